// Data movement and windowed ops (kernels/opencl/data.cl): PAD, pooling,
// resizes, CONCATENATION (one copy per input), MEAN/SUM,
// DEPTH_TO_SPACE/SPACE_TO_DEPTH, SOFTMAX, GATHER/GATHER_ND/EMBEDDING (int32
// indices from the int32 buffer), TRANSPOSE/SLICE/STRIDED_SLICE
// (one strided copy), and RESHAPE/SQUEEZE
// (no launch: the output aliases the input's memory).
#include <array>
#include <cstring>

#include "backends/opencl/cl_lower.h"
#include "core/const_data.h"
#include "ops/gather_logic.h"
#include "ops/gather_nd_logic.h"
#include "ops/op_def.h"
#include "ops/reduce_runs.h"

namespace odin::cl {
namespace {

constexpr size_t kMaxPadRank = 5;

Support supports_pad(const Graph& g, const Node& node) {
  if (node.inputs.size() < 2 || node.inputs[1] == kNoValue ||
      !read_int_constant(g.value(node.inputs[1])).has_value())
    return decline(node, "with run-time paddings not supported");
  if (node.inputs.size() > 2 && node.inputs[2] != kNoValue)
    return decline(node, "with a constant value (PADV2) not supported");
  if (g.value(node.inputs[0]).shape.rank() > kMaxPadRank)
    return decline(node, str_cat("of rank over ", kMaxPadRank, " not supported"));
  return Support::yes();
}

Support supports_4d(const Graph& g, const Node& node) {
  if (g.value(node.inputs[0]).shape.rank() != 4 || g.value(node.outputs[0]).shape.rank() != 4)
    return decline(node, "needs 4-D tensors");
  return Support::yes();
}

Support supports_concatenation(const Graph& g, const Node& node) {
  for (size_t i = 0; i < node.inputs.size(); ++i)
    if (node.inputs[i] == kNoValue ||
        (g.value(node.inputs[i]).is_constant() && !float_constant_or_absent(g, node, i)))
      return decline(node, "with a non-float constant input not supported");
  return Support::yes();
}

Status lower_pad(LowerContext& ctx, const Node& node, LoweredNode* out) {
  const Graph& g = ctx.graph();
  const Shape& si = g.value(node.inputs[0]).shape;
  const Shape& so = g.value(node.outputs[0]).shape;
  const std::vector<int64_t> pads = read_int_constant(g.value(node.inputs[1])).value();
  // Right-aligned in kMaxPadRank dims: leading ones of size 1, unpadded.
  const size_t lead = kMaxPadRank - si.rank();
  Launch l = unary_launch("pad", g, node);
  for (size_t d = 0; d < kMaxPadRank; ++d) l.arg(d < lead ? 1 : so[d - lead]);
  for (size_t d = 0; d < kMaxPadRank; ++d) l.arg(d < lead ? 1 : si[d - lead]);
  for (size_t d = 0; d < kMaxPadRank; ++d) l.arg(d < lead ? 0 : pads[2 * (d - lead)]);
  out->launches.push_back(std::move(l));
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
  Launch l = unary_launch("pool2d", g, node);
  for (int64_t v : {si[1], si[2], si[3], so[1], so[2]}) l.arg(v);
  for (int64_t v : {int64_t{a.filter_h}, int64_t{a.filter_w}, int64_t{a.stride_h},
                    int64_t{a.stride_w}, ph.before, pw.before})
    l.arg(v);
  l.arg(kMax ? 1 : 0);
  l.arg(static_cast<int32_t>(a.activation));
  out->launches.push_back(std::move(l));
  return Status();
}

template <bool kNearest>
Status lower_resize(LowerContext& ctx, const Node& node, LoweredNode* out) {
  const Graph& g = ctx.graph();
  const auto& a = std::get<ResizeAttrs>(node.attrs);
  const Shape& si = g.value(node.inputs[0]).shape;
  const Shape& so = g.value(node.outputs[0]).shape;
  Launch l = unary_launch("resize", g, node);
  for (int64_t v : {si[1], si[2], si[3], so[1], so[2]}) l.arg(v);
  l.arg_float(resize_scale(a, si[1], so[1]));
  l.arg_float(resize_scale(a, si[2], so[2]));
  l.arg(kNearest ? 1 : 0);
  l.arg(a.align_corners ? 1 : 0);
  l.arg(a.half_pixel_centers ? 1 : 0);
  out->launches.push_back(std::move(l));
  return Status();
}

// One copy per input into its columns of the output, activated.
Status lower_concatenation(LowerContext& ctx, const Node& node, LoweredNode* out) {
  const auto activation = std::get<ConcatenationAttrs>(node.attrs).activation;
  for (Launch& l : concatenation_copies(ctx, node, "copy_block", input_operand)) {
    l.arg(static_cast<int32_t>(activation));
    out->launches.push_back(std::move(l));
  }
  return Status();
}

// MEAN/SUM: the runs of kept and of reduced dims (ops/reduce_runs.h), each
// as up to 4 (extent, stride) pairs of the input, right-aligned (unused
// pairs are (1, 0)).
constexpr size_t kMaxReduceRuns = 4;

template <bool kMean>
Status lower_reduce(LowerContext& ctx, const Node& node, LoweredNode* out) {
  const Graph& g = ctx.graph();
  const ReduceRuns r = reduce_runs(g.value(node.inputs[0]).shape,
                                   read_int_constant(g.value(node.inputs[1])).value());
  Launch l = unary_launch("reduce", g, node);
  for (const std::vector<int64_t>* runs :
       {&r.kept_dims, &r.kept_strides, &r.reduced_dims, &r.reduced_strides}) {
    const bool dims = runs == &r.kept_dims || runs == &r.reduced_dims;
    for (size_t i = runs->size(); i < kMaxReduceRuns; ++i) l.arg(dims ? 1 : 0);
    for (int64_t v : *runs) l.arg(v);
  }
  l.arg_float(kMean ? 1.0f / static_cast<float>(r.reduced_count) : 1.0f);
  out->launches.push_back(std::move(l));
  return Status();
}

// DEPTH_TO_SPACE and SPACE_TO_DEPTH: one work item per element of the deep
// tensor [N, H, W, C * bs * bs].
template <bool kToSpace>
Status lower_depth_space(LowerContext& ctx, const Node& node, LoweredNode* out) {
  const Graph& g = ctx.graph();
  const int64_t bs = std::get<BlockAttrs>(node.attrs).block_size;
  const Shape& deep = g.value(kToSpace ? node.inputs[0] : node.outputs[0]).shape;
  Launch l = unary_launch("depth_space", g, node);
  for (int64_t v : {deep[1], deep[2], deep[3] / (bs * bs), bs, int64_t{kToSpace}}) l.arg(v);
  l.work_items = deep.num_elements();
  out->launches.push_back(std::move(l));
  return Status();
}

Support supports_reduce(const Graph& g, const Node& node) {
  if (node.inputs.size() < 2 || node.inputs[1] == kNoValue ||
      !read_int_constant(g.value(node.inputs[1])).has_value())
    return decline(node, "with run-time axes not supported");
  const ReduceRuns r = reduce_runs(g.value(node.inputs[0]).shape,
                                   read_int_constant(g.value(node.inputs[1])).value());
  if (r.kept_dims.size() > kMaxReduceRuns || r.reduced_dims.size() > kMaxReduceRuns)
    return decline(node, str_cat("alternating kept and reduced dims ", r.kept_dims.size(), " and ",
                                 r.reduced_dims.size(), " times not supported (max ",
                                 kMaxReduceRuns, " each)"));
  return Support::yes();
}

Status lower_softmax(LowerContext& ctx, const Node& node, LoweredNode* out) {
  const Graph& g = ctx.graph();
  const Shape& s = g.value(node.inputs[0]).shape;
  Launch l = unary_launch("softmax", g, node);
  l.arg(s[s.rank() - 1]);
  l.arg_float(std::get<SoftmaxAttrs>(node.attrs).beta);
  l.work_items = s.num_elements() / s[s.rank() - 1];  // one row each
  out->launches.push_back(std::move(l));
  return Status();
}

// TRANSPOSE, SLICE, STRIDED_SLICE: the node's strided view (OpDef::
// strided_view, contiguous axes merged) with constant operands, any rank.
Result<StridedView> compact_view_of(const Graph& g, const Node& node) {
  ODIN_ASSIGN_OR_RETURN(StridedView v, op_def(node.op).strided_view(g, node));
  return compact(v);
}

Support supports_strided_view(const Graph& g, const Node& node) {
  if (auto v = compact_view_of(g, node); !v.ok())
    return decline(node, str_cat("with ", v.status().message(), " not supported"));
  return Support::yes();
}

Status lower_strided_view(LowerContext& ctx, const Node& node, LoweredNode* out) {
  ODIN_ASSIGN_OR_RETURN(StridedView v, compact_view_of(ctx.graph(), node));
  Launch l = unary_launch("strided_copy", ctx.graph(), node);
  l.arg(v.base);
  l.arg(static_cast<int64_t>(v.counts.size()));
  for (size_t d = 0; d < v.counts.size(); ++d) {
    l.arg(v.counts[d]);
    l.arg(v.steps[d]);
  }
  out->launches.push_back(std::move(l));
  return Status();
}

// GATHER, GATHER_ND and EMBEDDING read their indices from the int32
// buffer: run-time int32 values, or constants (int32 or int64) uploaded
// there as int32. Params (an embedding's table) are run-time or a float
// constant.
Support supports_indices(const Graph& g, const Node& node) {
  if (g.value(node.inputs[0]).is_constant() && !float_constant_or_absent(g, node, 0))
    return decline(node, str_cat("with a ", dtype_name(g.value(node.inputs[0]).dtype),
                                 " constant table not supported (float32 or float16 only)"));
  const Value& ids = g.value(node.inputs[1]);
  if (ids.is_constant() && !read_int_constant(ids).has_value())
    return decline(node, "with non-integer constant indices not supported");
  return Support::yes();
}

// Index depth 1 to 5, as on Vulkan.
Support supports_gather_nd(const Graph& g, const Node& node) {
  if (Support s = supports_indices(g, node); !s.ok) return s;
  if (const std::string why = gather_nd_gpu_unsupported(g.value(node.inputs[1]).shape);
      !why.empty())
    return decline(node, why);
  return Support::yes();
}

Status lower_gather_nd(LowerContext& ctx, const Node& node, LoweredNode* out) {
  const Graph& g = ctx.graph();
  ODIN_ASSIGN_OR_RETURN(GatherNdPlan plan, plan_gather_nd(g.value(node.inputs[0]).shape,
                                                          g.value(node.inputs[1]).shape));
  Launch l;
  l.kernel = "gather_nd";
  l.operands = {Operand::value(node.outputs[0]), input_operand(ctx, node.inputs[0]),
                int_operand(ctx, node.inputs[1])};
  l.arg(plan.slice_size);
  l.arg(plan.depth);
  for (size_t j = 0; j < plan.dims.size(); ++j) {
    l.arg(plan.dims[j]);
    l.arg(plan.strides[j]);
  }
  l.work_items = g.value(node.outputs[0]).shape.num_elements();
  out->launches.push_back(std::move(l));
  return Status();
}

// GATHER on any axis, batch_dims 0.
Result<GatherPlan> gather_plan(const Graph& g, const Node& node) {
  return plan_gather(std::get<GatherAttrs>(node.attrs), g.value(node.inputs[0]).shape,
                     g.value(node.inputs[1]).shape);
}

Support supports_gather(const Graph& g, const Node& node) {
  auto plan = gather_plan(g, node);
  if (!plan.ok()) return decline(node, plan.status().message());
  if (plan->batch_dims != 0) return decline(node, "with batch_dims not supported (0 only)");
  return supports_indices(g, node);
}

// Params' dim `axis` indexed by the ids: one launch of "gather".
void add_gather(LowerContext& ctx, const Node& node, int64_t axis, LoweredNode* out) {
  const Graph& g = ctx.graph();
  const Shape& params = g.value(node.inputs[0]).shape;
  int64_t inner = 1;
  for (size_t d = static_cast<size_t>(axis) + 1; d < params.rank(); ++d) inner *= params[d];
  Launch l;
  l.kernel = "gather";
  l.operands = {Operand::value(node.outputs[0]), input_operand(ctx, node.inputs[0]),
                int_operand(ctx, node.inputs[1])};
  l.arg(params[static_cast<size_t>(axis)]);
  l.arg(g.value(node.inputs[1]).shape.num_elements());
  l.arg(inner);
  l.work_items = g.value(node.outputs[0]).shape.num_elements();
  out->launches.push_back(std::move(l));
}

Status lower_gather(LowerContext& ctx, const Node& node, LoweredNode* out) {
  ODIN_ASSIGN_OR_RETURN(GatherPlan plan, gather_plan(ctx.graph(), node));
  add_gather(ctx, node, plan.axis, out);
  return Status();
}

// EMBEDDING: GATHER on axis 0 of a float table (a block-quantized one is
// declined by supports_indices).
Status lower_embedding(LowerContext& ctx, const Node& node, LoweredNode* out) {
  add_gather(ctx, node, 0, out);
  return Status();
}

constexpr ClOp kOps[] = {
    {OpType::kTranspose, supports_strided_view, lower_strided_view},
    {OpType::kSlice, supports_strided_view, lower_strided_view},
    {OpType::kStridedSlice, supports_strided_view, lower_strided_view},
    {OpType::kGatherNd, supports_gather_nd, lower_gather_nd, true},
    {OpType::kGather, supports_gather, lower_gather, true},
    {OpType::kEmbedding, supports_indices, lower_embedding, true},
    {OpType::kPad, supports_pad, lower_pad},
    {OpType::kAveragePool2D, supports_4d, lower_pool2d<false>},
    {OpType::kMaxPool2D, supports_4d, lower_pool2d<true>},
    {OpType::kResizeBilinear, supports_4d, lower_resize<false>},
    {OpType::kResizeNearestNeighbor, supports_4d, lower_resize<true>},
    {OpType::kConcatenation, supports_concatenation, lower_concatenation},
    {OpType::kMean, supports_reduce, lower_reduce<true>},
    {OpType::kSum, supports_reduce, lower_reduce<false>},
    {OpType::kDepthToSpace, supports_4d, lower_depth_space<true>},
    {OpType::kSpaceToDepth, supports_4d, lower_depth_space<false>},
    {OpType::kSoftmax, nullptr, lower_softmax},
    {OpType::kReshape, nullptr, lower_alias},
    {OpType::kSqueeze, nullptr, lower_alias},
};

}  // namespace

std::vector<Launch> concatenation_copies(LowerContext& ctx, const Node& node, const char* kernel,
                                         Operand (*operand)(LowerContext&, ValueId)) {
  const Graph& g = ctx.graph();
  const Shape& so = g.value(node.outputs[0]).shape;
  int64_t axis = 0;
  normalize_axis(std::get<ConcatenationAttrs>(node.attrs).axis, so.rank(), &axis);
  int64_t outer = 1;
  for (int64_t d = 0; d < axis; ++d) outer *= so[static_cast<size_t>(d)];
  std::vector<Launch> copies;
  int64_t column = 0;
  for (ValueId v : node.inputs) {
    const int64_t block = g.value(v).shape.num_elements() / outer;
    Launch& l = copies.emplace_back();
    l.kernel = kernel;
    l.operands = {Operand::value(node.outputs[0]), operand(ctx, v)};
    for (int64_t x : {block, so.num_elements() / outer, column}) l.arg(x);
    l.work_items = outer * block;
    column += block;
  }
  return copies;
}

Status lower_alias(LowerContext&, const Node& node, LoweredNode* out) {
  out->alias_of = node.inputs[0];
  return Status();
}

std::span<const ClOp> cl_data_ops() {
  return kOps;
}

}  // namespace odin::cl
