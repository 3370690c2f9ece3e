// Data movement and windowed ops: PAD (pad.comp), pooling (pool2d.comp),
// resizes (resize.comp), CONCATENATION (copy_block.comp), MEAN/SUM
// (reduce.comp), DEPTH_TO_SPACE/SPACE_TO_DEPTH (depth_space.comp), SOFTMAX
// (softmax.comp), GATHER (gather.comp), GATHER_ND (gather_nd.comp),
// TRANSPOSE/SLICE/STRIDED_SLICE (strided_copy.comp), and RESHAPE/SQUEEZE (no
// dispatch: the output aliases).
#include <algorithm>
#include <array>
#include <cstring>

#include "backends/vulkan/vk_lower.h"
#include "core/const_data.h"
#include "ops/gather_logic.h"
#include "ops/gather_nd_logic.h"
#include "ops/op_def.h"
#include "ops/reduce_runs.h"

namespace odin::vk {
namespace {

// An integer constant's values (int32 or int64); supports() checked it is one.
std::vector<int64_t> constant_ints(const LowerContext& ctx, ValueId v) {
  return read_int_constant(ctx.graph().value(v)).value_or(std::vector<int64_t>{});
}

bool int_constant(const Graph& g, const Node& node, size_t i) {
  return i < node.inputs.size() && node.inputs[i] != kNoValue &&
         read_int_constant(g.value(node.inputs[i])).has_value();
}

// GATHER's and GATHER_ND's indices: the run-time int32 value, or an integer
// constant (int32 or int64) uploaded as int32.
Operand indices_operand(LowerContext& ctx, ValueId v) {
  if (!ctx.graph().value(v).is_constant()) return Operand::value(v);
  std::vector<int32_t> v32;
  for (int64_t i : constant_ints(ctx, v)) v32.push_back(static_cast<int32_t>(i));
  std::vector<uint8_t> bytes(v32.size() * 4);
  std::memcpy(bytes.data(), v32.data(), bytes.size());
  return Operand::weights(ctx.add_bytes(std::move(bytes)));
}

// Params (a table) run-time or a float constant; indices run-time int32 or
// integer constants.
Support supports_table_and_indices(const Graph& g, const Node& node) {
  const Value& params = g.value(node.inputs[0]);
  if (params.is_constant() && !float_constant_or_absent(g, node, 0))
    return decline(node, str_cat("with a ", dtype_name(params.dtype),
                                 " constant table not supported (float32 or float16 only)"));
  if (g.value(node.inputs[1]).is_constant() && !int_constant(g, node, 1))
    return decline(node, "with non-integer constant indices not supported");
  return Support::yes();
}

constexpr size_t kMaxPadRank = 5;

Support supports_pad(const Graph& g, const Node& node) {
  if (!int_constant(g, node, 1)) return decline(node, "with run-time paddings not supported");
  const size_t rank = g.value(node.inputs[0]).shape.rank();
  if (rank > kMaxPadRank)
    return decline(node, str_cat("of rank ", rank, " not supported (max ", kMaxPadRank, ")"));
  return Support::yes();
}

// The kernel walks up to 4 runs of kept and 4 of reduced dims (ops/reduce_runs.h).
constexpr size_t kMaxReduceRuns = 4;

Support supports_reduce(const Graph& g, const Node& node) {
  if (!int_constant(g, node, 1)) return decline(node, "with run-time axes not supported");
  const ReduceRuns r =
      reduce_runs(g.value(node.inputs[0]).shape, *read_int_constant(g.value(node.inputs[1])));
  if (r.kept_dims.size() > kMaxReduceRuns || r.reduced_dims.size() > kMaxReduceRuns)
    return decline(node, str_cat("alternating kept and reduced dims ", r.kept_dims.size(), " and ",
                                 r.reduced_dims.size(), " times not supported (max ",
                                 kMaxReduceRuns, " each)"));
  return Support::yes();
}

// Concatenated constants are uploaded as float weights.
Support supports_concatenation(const Graph& g, const Node& node) {
  for (ValueId v : node.inputs)
    if (v != kNoValue && g.value(v).is_constant() && g.value(v).dtype != DType::kF32 &&
        g.value(v).dtype != DType::kF16)
      return decline(node, "with a non-float constant input not supported");
  return Support::yes();
}

Support supports_4d(const Graph& g, const Node& node) {
  if (g.value(node.inputs[0]).shape.rank() != 4 || g.value(node.outputs[0]).shape.rank() != 4)
    return decline(node, "needs 4-D tensors");
  return Support::yes();
}

Dispatch single_io(const char* kernel, const Node& node, int64_t invocations) {
  Dispatch d;
  d.kernel = kernel;
  d.bindings = {Operand::value(node.outputs[0]), Operand::value(node.inputs[0])};
  set_invocations(d, invocations);
  return d;
}

Status lower_pad(LowerContext& ctx, const Node& node, LoweredNode* out) {
  const Graph& g = ctx.graph();
  const Shape& si = g.value(node.inputs[0]).shape;
  const Shape& so = g.value(node.outputs[0]).shape;
  const std::vector<int64_t> pads = constant_ints(ctx, node.inputs[1]);
  // Right-aligned in kMaxPadRank dims: leading ones of size 1, unpadded.
  const size_t lead = kMaxPadRank - si.rank();
  std::array<int64_t, kMaxPadRank> out_dims, in_dims, before;
  for (size_t d = 0; d < kMaxPadRank; ++d) {
    out_dims[d] = d < lead ? 1 : so[d - lead];
    in_dims[d] = d < lead ? 1 : si[d - lead];
    before[d] = d < lead ? 0 : pads[2 * (d - lead)];
  }
  Dispatch d = single_io("pad", node, so.num_elements());
  d.push_int(so.num_elements());
  for (const auto* a : {&out_dims, &in_dims, &before})
    for (int64_t v : *a) d.push_int(v);
  out->dispatches.push_back(std::move(d));
  return Status();
}

template <bool kMax>
Status lower_pool2d(LowerContext& ctx, const Node& node, LoweredNode* out) {
  const Graph& g = ctx.graph();
  const auto& a = std::get<Pool2DAttrs>(node.attrs);
  const Shape& si = g.value(node.inputs[0]).shape;
  const Shape& so = g.value(node.outputs[0]).shape;
  const SpatialPadding ph = compute_spatial_padding(a.padding, si[1], a.filter_h, a.stride_h, 1);
  const SpatialPadding pw = compute_spatial_padding(a.padding, si[2], a.filter_w, a.stride_w, 1);
  Dispatch d = single_io("pool2d", node, so.num_elements());
  d.spec = {kMax ? 1 : 0, a.filter_h, a.filter_w,
            a.stride_h,   a.stride_w, static_cast<int32_t>(a.activation)};
  for (int64_t v : {si[0], si[1], si[2], si[3], so[1], so[2], ph.before, pw.before}) d.push_int(v);
  out->dispatches.push_back(std::move(d));
  return Status();
}

template <bool kNearest>
Status lower_resize(LowerContext& ctx, const Node& node, LoweredNode* out) {
  const Graph& g = ctx.graph();
  const auto& a = std::get<ResizeAttrs>(node.attrs);
  const Shape& si = g.value(node.inputs[0]).shape;
  const Shape& so = g.value(node.outputs[0]).shape;
  Dispatch d = single_io("resize", node, so.num_elements());
  d.spec = {kNearest ? 1 : 0, a.align_corners ? 1 : 0, a.half_pixel_centers ? 1 : 0};
  for (int64_t v : {si[0], si[1], si[2], si[3], so[1], so[2]}) d.push_int(v);
  d.push_float(resize_scale(a, si[1], so[1]));
  d.push_float(resize_scale(a, si[2], so[2]));
  out->dispatches.push_back(std::move(d));
  return Status();
}

Status lower_concatenation(LowerContext& ctx, const Node& node, LoweredNode* out) {
  const Graph& g = ctx.graph();
  const auto& a = std::get<ConcatenationAttrs>(node.attrs);
  const Shape& so = g.value(node.outputs[0]).shape;
  int64_t axis = 0;
  normalize_axis(a.axis, so.rank(), &axis);
  int64_t outer = 1;
  for (int64_t d = 0; d < axis; ++d) outer *= so[static_cast<size_t>(d)];
  const int64_t out_block = so.num_elements() / outer;
  int64_t column = 0;
  // One copy per input into its columns; the copies are independent, so
  // they run without barriers between them.
  for (ValueId v : node.inputs) {
    const int64_t block = g.value(v).shape.num_elements() / outer;
    Dispatch d;
    d.kernel = "copy_block";
    d.spec = {static_cast<int32_t>(a.activation)};
    for (int64_t x : {outer, block, out_block, column}) d.push_int(x);
    Operand dst = Operand::value(node.outputs[0]);
    if (outer == 1) {
      dst.first = column;
      dst.count = block;
    }
    d.bindings = {dst, input_operand(ctx, v)};
    set_invocations(d, outer * block);
    out->dispatches.push_back(std::move(d));
    column += block;
  }
  return Status();
}

template <bool kMean>
Status lower_reduce(LowerContext& ctx, const Node& node, LoweredNode* out) {
  const Graph& g = ctx.graph();
  const ReduceRuns r =
      reduce_runs(g.value(node.inputs[0]).shape, constant_ints(ctx, node.inputs[1]));
  const int64_t total = g.value(node.outputs[0]).shape.num_elements();
  Dispatch d = single_io("reduce", node, total);
  d.spec = {kMean ? 1 : 0};
  // The kernel walks dims innermost-last: runs right-aligned, unused (1, 0).
  for (const std::vector<int64_t>* runs :
       {&r.kept_dims, &r.kept_strides, &r.reduced_dims, &r.reduced_strides}) {
    const bool dims = runs == &r.kept_dims || runs == &r.reduced_dims;
    for (size_t i = runs->size(); i < kMaxReduceRuns; ++i) d.push_int(dims ? 1 : 0);
    for (int64_t v : *runs) d.push_int(v);
  }
  d.push_int(total);
  d.push_int(r.reduced_count);
  out->dispatches.push_back(std::move(d));
  return Status();
}

template <bool kToSpace>
Status lower_depth_space(LowerContext& ctx, const Node& node, LoweredNode* out) {
  const Graph& g = ctx.graph();
  const int64_t bs = std::get<BlockAttrs>(node.attrs).block_size;
  constexpr bool to_space = kToSpace;
  const Shape& deep = g.value(to_space ? node.inputs[0] : node.outputs[0]).shape;
  Dispatch d = single_io("depth_space", node, deep.num_elements());
  d.spec = {to_space ? 1 : 0};
  for (int64_t v : {deep[0], deep[1], deep[2], deep[3] / (bs * bs), bs}) d.push_int(v);
  out->dispatches.push_back(std::move(d));
  return Status();
}

Status lower_softmax(LowerContext& ctx, const Node& node, LoweredNode* out) {
  const Shape& s = ctx.graph().value(node.inputs[0]).shape;
  const int64_t cols = s[s.rank() - 1], rows = s.num_elements() / cols;
  Dispatch d = single_io("softmax", node, rows);
  d.push_int(rows);
  d.push_int(cols);
  d.push_float(std::get<SoftmaxAttrs>(node.attrs).beta);
  out->dispatches.push_back(std::move(d));
  return Status();
}

// GATHER on any axis, batch_dims 0. Dims set per run (an LLM's logit
// rows) only on axis 0, where the rows the run writes are a prefix of the
// planned output.
Result<GatherPlan> gather_plan(const Graph& g, const Node& node) {
  return plan_gather(std::get<GatherAttrs>(node.attrs), g.value(node.inputs[0]).shape,
                     g.value(node.inputs[1]).shape);
}

Support supports_gather(const Graph& g, const Node& node) {
  auto plan = gather_plan(g, node);
  if (!plan.ok()) return decline(node, plan.status().message());
  if (plan->batch_dims != 0) return decline(node, "with batch_dims not supported (0 only)");
  if (plan->axis != 0)
    for (ValueId v : {node.inputs[0], node.inputs[1], node.outputs[0]})
      if (g.value(v).shape.has_symbols())
        return decline(node, str_cat("on axis ", plan->axis,
                                     " with dims set per run not supported (axis 0 only)"));
  return supports_table_and_indices(g, node);
}

Status lower_gather(LowerContext& ctx, const Node& node, LoweredNode* out) {
  const Graph& g = ctx.graph();
  ODIN_ASSIGN_OR_RETURN(const GatherPlan plan, gather_plan(g, node));
  const Shape& params = g.value(node.inputs[0]).shape;
  const auto axis = static_cast<size_t>(plan.axis);
  int64_t inner = 1;
  for (size_t d = axis + 1; d < params.rank(); ++d) inner *= params[d];
  const int64_t n = g.value(node.outputs[0]).shape.num_elements();
  Dispatch d;
  d.kernel = "gather";
  for (int64_t v : {n, params[axis], g.value(node.inputs[1]).shape.num_elements(), inner})
    d.push_int(v);
  d.bindings = {Operand::value(node.outputs[0]), input_operand(ctx, node.inputs[0]),
                indices_operand(ctx, node.inputs[1])};
  set_invocations(d, n);
  out->dispatches.push_back(std::move(d));
  return Status();
}

// A constant table is bound whole, as float32 at most.
uint64_t gather_binding_bytes(const Graph& g, const Node& node) {
  const Value& params = g.value(node.inputs[0]);
  return params.is_constant()
             ? static_cast<uint64_t>(std::max<int64_t>(params.shape.num_elements(), 0)) * 4
             : 0;
}

// TRANSPOSE, SLICE, STRIDED_SLICE: the node's strided view (OpDef::
// strided_view) of up to 6 axes once merged, with constant operands.
constexpr size_t kMaxViewAxes = 6;

Result<StridedView> compact_view_of(const Graph& g, const Node& node) {
  ODIN_ASSIGN_OR_RETURN(StridedView v, op_def(node.op).strided_view(g, node));
  return compact(v);
}

Support supports_strided_view(const Graph& g, const Node& node) {
  auto v = compact_view_of(g, node);
  if (!v.ok()) return decline(node, str_cat("with ", v.status().message(), " not supported"));
  if (v->counts.size() > kMaxViewAxes)
    return decline(node, str_cat("reading ", v->counts.size(), " axes not supported (max ",
                                 kMaxViewAxes, " once contiguous axes merge)"));
  return Support::yes();
}

Status lower_strided_view(LowerContext& ctx, const Node& node, LoweredNode* out) {
  ODIN_ASSIGN_OR_RETURN(StridedView v, compact_view_of(ctx.graph(), node));
  const int64_t n = ctx.graph().value(node.outputs[0]).shape.num_elements();
  Dispatch d = single_io("strided_copy", node, n);
  for (int64_t x : {n, v.base, static_cast<int64_t>(v.counts.size())}) d.push_int(x);
  for (const std::vector<int64_t>* a : {&v.counts, &v.steps})
    for (size_t i = 0; i < kMaxViewAxes; ++i) d.push_int(i < a->size() ? (*a)[i] : 1);
  out->dispatches.push_back(std::move(d));
  return Status();
}

// Index tuples of depth 1 to 5: run-time int32 ones, or constants (int32
// or int64, checked by shape inference) uploaded as int32.

Support supports_gather_nd(const Graph& g, const Node& node) {
  if (const std::string why = gather_nd_gpu_unsupported(g.value(node.inputs[1]).shape);
      !why.empty())
    return decline(node, why);
  return supports_table_and_indices(g, node);
}

Status lower_gather_nd(LowerContext& ctx, const Node& node, LoweredNode* out) {
  const Graph& g = ctx.graph();
  const Value& ids = g.value(node.inputs[1]);
  ODIN_ASSIGN_OR_RETURN(GatherNdPlan plan,
                        plan_gather_nd(g.value(node.inputs[0]).shape, ids.shape));
  const int64_t n = g.value(node.outputs[0]).shape.num_elements();
  Dispatch d;
  d.kernel = "gather_nd";
  for (int64_t v : {n, plan.slice_size, plan.depth}) d.push_int(v);
  for (const std::vector<int64_t>* v : {&plan.dims, &plan.strides})
    for (size_t j = 0; j < static_cast<size_t>(kMaxGpuGatherNdDepth); ++j)
      d.push_int(j < v->size() ? (*v)[j] : 0);
  d.bindings = {Operand::value(node.outputs[0]), input_operand(ctx, node.inputs[0]),
                indices_operand(ctx, node.inputs[1])};
  set_invocations(d, n);
  out->dispatches.push_back(std::move(d));
  return Status();
}

constexpr VkOp kOps[] = {
    {OpType::kTranspose, supports_strided_view, lower_strided_view},
    {OpType::kSlice, supports_strided_view, lower_strided_view},
    {OpType::kStridedSlice, supports_strided_view, lower_strided_view},
    {OpType::kGatherNd, supports_gather_nd, lower_gather_nd, false, false, true,
     gather_binding_bytes},
    {OpType::kGather, supports_gather, lower_gather, true, false, true, gather_binding_bytes},
    {OpType::kPad, supports_pad, lower_pad},
    {OpType::kAveragePool2D, supports_4d, lower_pool2d<false>},
    {OpType::kMaxPool2D, supports_4d, lower_pool2d<true>},
    {OpType::kResizeBilinear, supports_4d, lower_resize<false>},
    {OpType::kResizeNearestNeighbor, supports_4d, lower_resize<true>},
    {OpType::kDepthToSpace, supports_4d, lower_depth_space<true>},
    {OpType::kSpaceToDepth, supports_4d, lower_depth_space<false>},
    {OpType::kConcatenation, supports_concatenation, lower_concatenation},
    {OpType::kMean, supports_reduce, lower_reduce<true>},
    {OpType::kSum, supports_reduce, lower_reduce<false>},
    {OpType::kSoftmax, nullptr, lower_softmax},
    {OpType::kReshape, nullptr, lower_alias},
    {OpType::kSqueeze, nullptr, lower_alias},
};

}  // namespace

std::span<const VkOp> vk_data_ops() {
  return kOps;
}

}  // namespace odin::vk
