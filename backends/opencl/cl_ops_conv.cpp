// CONV_2D, DEPTHWISE_CONV_2D, CONV_3D, TRANSPOSE_CONV (and MediaPipe's
// Convolution2DTransposeBias), FULLY_CONNECTED and BATCH_MATMUL
// (kernels/opencl/conv.cl): weights in the model's layout, uploaded once; an
// absent bias becomes zeros. CONV_2D, DEPTHWISE_CONV_2D, TRANSPOSE_CONV and
// FULLY_CONNECTED are tunable per layer shape (runtime/kernel_tuning.h): the
// work-group size, and for CONV_2D and TRANSPOSE_CONV the output channels per
// work item (ODIN_CONV_TILE, a program variant built with -D), or for a 1x1
// CONV_2D (a GEMM) the local-memory tile of conv2d_tiled (ODIN_TILE_M,
// ODIN_TILE_N).
#include "backends/opencl/cl_lower.h"
#include "ops/batch_matmul_dims.h"
#include "ops/conv3d_geometry.h"
#include "ops/op_def.h"
#include "ops/transpose_conv_geometry.h"

namespace odin::cl {
namespace {

// Candidate 0 is the default: 64 work items per group, one output each.
constexpr TuneParams kConvCandidates[] = {{0, 0}, {32, 0}, {128, 0}, {64, 2}, {64, 4}, {128, 4}};
constexpr TuneParams kGroupCandidates[] = {{0, 0}, {32, 0}, {128, 0}, {256, 0}};

// A 1x1, stride 1, unpadded CONV_2D is a GEMM [pixels x IC] x [IC x OC]:
// its candidates are conv2d_tiled's tiles, tile = TM pixels (>= 16) and
// group = TM * TN / 16 work items (4 x 4 outputs each), then conv2d's
// (tile = output channels per work item, < 16). The default is the 64 x 32
// tile: on PoCL (a CPU device, whose compiler turns a work group into loops
// it vectorizes) the tiles beat conv2d on 39 of the 41 1x1 layers of the
// MediaPipe models, this one most often; on a GPU it is the tile that the
// smallest work-group limits allow.
constexpr TuneParams kGemmDirectCandidates[] = {{0, 0}, {64, 4}, {128, 4}};

// The GEMM candidates on this device: the tiles whose local memory and
// work-group size fit and `direct`, the direct kernel's (none: the layer
// takes the direct kernel's own candidates), default first.
std::vector<TuneParams> gemm_candidates(const LowerContext& ctx,
                                        std::span<const TuneParams> direct) {
  std::vector<TuneParams> tiled =
      fitting_gemm_tiles(ctx.local_memory_bytes(), ctx.max_group_size());
  if (tiled.empty()) return {};
  tiled.insert(tiled.end(), direct.begin(), direct.end());
  return tiled;
}

// Launch `l` as conv2d_tiled on tile `tp` for the GEMM rows x depth x
// units (its operands are conv2d's, set by the caller).
void set_tiled_gemm(Launch& l, TuneParams tp, int64_t rows, int64_t depth, int64_t units,
                    Activation act, bool addend, bool prelu) {
  const int64_t tm = tp.tile, tn = gemm_tile_columns(tp);
  l.kernel = "conv2d_tiled";
  l.options = str_cat("-D ODIN_TILE_M=", tm, " -D ODIN_TILE_N=", tn);
  l.group = static_cast<size_t>(tp.group);
  l.exact_group = true;
  l.work_items = (rows + tm - 1) / tm * ((units + tn - 1) / tn) * tp.group;
  l.args.clear();
  for (int64_t v : {rows, depth, units, static_cast<int64_t>(act)}) l.arg(v);
  l.arg(addend ? 1 : 0);
  l.arg(prelu ? 1 : 0);
}

// Weights (and bias) must be constants: they are uploaded at compile.
Support weights_constant(const Graph& g, const Node& node, size_t weight_rank) {
  if (node.inputs.size() < 2 || node.inputs[1] == kNoValue ||
      !float_constant_or_absent(g, node, 1) || !float_constant_or_absent(g, node, 2))
    return decline(node, "with run-time (non-constant) weights not supported");
  if (g.value(node.inputs[1]).shape.rank() != weight_rank)
    return decline(node, str_cat("needs ", weight_rank, "-D weights"));
  if (weight_rank == 4 && g.value(node.inputs[0]).shape.rank() != 4)
    return decline(node, "needs a 4-D input");
  const int slot = op_def(node.op).prelu_alpha_input;
  if (slot >= 0 && !float_constant_or_absent(g, node, static_cast<size_t>(slot)))
    return decline(node, "with run-time (non-constant) PRELU slopes not supported");
  return Support::yes();
}

Support supports_conv2d(const Graph& g, const Node& node) {
  if (Support s = weights_constant(g, node, 4); !s.ok) return s;
  if (g.value(node.inputs[1]).shape[3] != g.value(node.inputs[0]).shape[3])
    return decline(node, "grouped convolution not supported");
  return Support::yes();
}

Support supports_depthwise(const Graph& g, const Node& node) {
  return weights_constant(g, node, 4);
}

Support supports_fully_connected(const Graph& g, const Node& node) {
  return weights_constant(g, node, 2);
}

// Weights (input `weights`), then the bias (input `bias`, if any) padded
// with zeros to `n` values.
void add_weights_and_bias(LowerContext& ctx, const Node& node, int64_t n, Launch& l,
                          size_t weights = 1, size_t bias = 2) {
  std::vector<float> b =
      node.inputs.size() > bias ? constant_floats(ctx, node.inputs[bias]) : std::vector<float>{};
  b.resize(static_cast<size_t>(n), 0.0f);
  l.operands.push_back(
      Operand::weights(ctx.add_weights(constant_floats(ctx, node.inputs[weights]))));
  l.operands.push_back(Operand::weights(ctx.add_weights(std::move(b))));
}

// The tile (ODIN_CONV_TILE output channels per work item, a -D variant, or a
// conv2d_tiled tile of kMinGemmTilePixels or more, which the caller sets up)
// and work-group size of a conv kernel writing `pixels` pixels of `oc`
// channels, from `candidates`.
TuneParams tune_conv_tile(LowerContext& ctx, const std::string& key,
                          std::span<const TuneParams> candidates, int64_t pixels, int64_t oc,
                          Launch& l) {
  const TuneParams tp = ctx.tune(key, candidates);
  l.group = static_cast<size_t>(tp.group);
  if (tp.tile > 1 && tp.tile < kMinGemmTilePixels) {
    l.options = str_cat("-D ODIN_CONV_TILE=", tp.tile);
    l.work_items = pixels * ((oc + tp.tile - 1) / tp.tile);
  }
  return tp;
}

// conv2d and depthwise_conv2d share their arguments.
template <typename ConvAttrs>
Status lower_window(LowerContext& ctx, const Node& node, const ConvAttrs& a, const char* kernel,
                    LoweredNode* out) {
  const Graph& g = ctx.graph();
  const Shape& in = g.value(node.inputs[0]).shape;
  const Shape& f = g.value(node.inputs[1]).shape;  // OHWI, or [1, KH, KW, OC]
  const Shape& o = g.value(node.outputs[0]).shape;
  const SpatialPadding ph = conv_padding_h(a, in[1], f[1]);
  const SpatialPadding pw = conv_padding_w(a, in[2], f[2]);
  Launch l = unary_launch(kernel, g, node);
  const bool conv = std::string_view(kernel) == "conv2d";
  const int64_t dims[] = {in[0], in[1], in[2], in[3], o[3], f[1], f[2], a.stride_h, a.stride_w};
  // A 1x1 conv over every pixel is a GEMM: conv2d_tiled where its tiles fit
  // the device, offered with conv2d's.
  const bool gemm = conv && f[1] == 1 && f[2] == 1 && a.stride_h == 1 && a.stride_w == 1 &&
                    ph.before == 0 && pw.before == 0 && o[1] == in[1] && o[2] == in[2];
  const std::vector<TuneParams> gemm_tiles =
      gemm ? gemm_candidates(ctx, kGemmDirectCandidates) : std::vector<TuneParams>{};
  const int64_t pixels = in[0] * o[1] * o[2];
  TuneParams tp;
  if (!gemm_tiles.empty())
    tp = tune_conv_tile(ctx, tune_shape_key("conv2d_tiled", dims), gemm_tiles, pixels, o[3], l);
  else if (conv)
    tp = tune_conv_tile(ctx, tune_shape_key(kernel, dims), kConvCandidates, pixels, o[3], l);
  else
    l.group = static_cast<size_t>(ctx.tune(tune_shape_key(kernel, dims), kGroupCandidates).group);
  const bool tiled = tp.tile >= kMinGemmTilePixels;
  add_weights_and_bias(ctx, node, o[3], l);
  const ValueId addend = addend_of(node);
  // conv2d's operand 4; without an addend, never read (the input stands in).
  if (conv)
    l.operands.push_back(addend != kNoValue ? input_operand(ctx, addend)
                                            : Operand::value(node.inputs[0]));
  // The slopes, last; without a fused PRELU, never read (the bias stands in).
  const ValueId alpha = prelu_alpha_of(node);
  const Operand bias = l.operands[3];
  l.operands.push_back(alpha != kNoValue ? input_operand(ctx, alpha) : bias);
  if (tiled) {
    set_tiled_gemm(l, tp, in[0] * in[1] * in[2], in[3], o[3], a.activation, addend != kNoValue,
                   alpha != kNoValue);
    out->launches.push_back(std::move(l));
    return Status();
  }
  for (int64_t v : {in[1], in[2], in[3], o[1], o[2], o[3], f[1], f[2]}) l.arg(v);
  for (int64_t v : {int64_t{a.stride_h}, int64_t{a.stride_w}, int64_t{a.dilation_h},
                    int64_t{a.dilation_w}, ph.before, pw.before})
    l.arg(v);
  l.arg(static_cast<int32_t>(a.activation));
  if (conv) l.arg(addend != kNoValue ? 1 : 0);
  l.arg(alpha != kNoValue ? 1 : 0);
  out->launches.push_back(std::move(l));
  return Status();
}

Status lower_conv2d(LowerContext& ctx, const Node& node, LoweredNode* out) {
  return lower_window(ctx, node, std::get<Conv2DAttrs>(node.attrs), "conv2d", out);
}

Status lower_depthwise(LowerContext& ctx, const Node& node, LoweredNode* out) {
  return lower_window(ctx, node, std::get<DepthwiseConv2DAttrs>(node.attrs), "depthwise_conv2d",
                      out);
}

Support supports_transpose_conv(const Graph& g, const Node& node) {
  const std::string why_not = transpose_conv_gpu_unsupported(g, node);
  return why_not.empty() ? Support::yes() : decline(node, why_not);
}

// TRANSPOSE_CONV and Convolution2DTransposeBias in gather form
// (transpose_conv in conv.cl): conv2d's window arguments, dilation 1, the
// padding transpose_conv_padding's.
Status lower_transpose_conv(LowerContext& ctx, const Node& node, LoweredNode* out) {
  const Graph& g = ctx.graph();
  const auto& a = std::get<TransposeConvAttrs>(node.attrs);
  const TransposeConvSlots slot = transpose_conv_slots(node.op);
  const TransposeConvGeometry c = transpose_conv_geometry(g, node);
  Launch l;
  l.kernel = "transpose_conv";
  l.operands = {Operand::value(node.outputs[0]), Operand::value(node.inputs[slot.input])};
  l.work_items = g.value(node.outputs[0]).shape.num_elements();
  const int64_t dims[] = {c.batch, c.in_h, c.in_w,     c.in_c,    c.out_c,
                          c.k_h,   c.k_w,  c.stride_h, c.stride_w};
  tune_conv_tile(ctx, tune_shape_key("transpose_conv", dims), kConvCandidates,
                 c.batch * c.out_h * c.out_w, c.out_c, l);
  add_weights_and_bias(ctx, node, c.out_c, l, slot.filter, slot.bias);
  for (int64_t v : {c.in_h, c.in_w, c.in_c, c.out_h, c.out_w, c.out_c, c.k_h, c.k_w, c.stride_h,
                    c.stride_w, int64_t{1}, int64_t{1}, c.pad_h, c.pad_w})
    l.arg(v);
  l.arg(static_cast<int32_t>(a.activation));
  out->launches.push_back(std::move(l));
  return Status();
}

Support supports_conv3d(const Graph& g, const Node& node) {
  const std::string why_not = conv3d_gpu_unsupported(g, node);
  return why_not.empty() ? Support::yes() : decline(node, why_not);
}

// CONV_3D: the filter rearranged to [out_c][kd][kh][kw][in_c] at compile
// (ops/conv3d_geometry.h), so a work item's filter reads are contiguous like
// conv2d's.
Status lower_conv3d(LowerContext& ctx, const Node& node, LoweredNode* out) {
  const auto& a = std::get<Conv3DAttrs>(node.attrs);
  Conv3DGpuConstants k = conv3d_gpu_constants(ctx.graph(), node);
  const Conv3DGeometry& c = k.geo;
  Launch l = unary_launch("conv3d", ctx.graph(), node);
  l.operands.push_back(Operand::weights(ctx.add_weights(std::move(k.filter))));
  l.operands.push_back(Operand::weights(ctx.add_weights(std::move(k.bias))));
  for (int64_t v :
       {c.in_d,       c.in_h,       c.in_w,       c.in_c,  c.out_d,    c.out_h,    c.out_w,
        c.out_c,      c.k_d,        c.k_h,        c.k_w,   c.stride_d, c.stride_h, c.stride_w,
        c.dilation_d, c.dilation_h, c.dilation_w, c.pad_d, c.pad_h,    c.pad_w})
    l.arg(v);
  l.arg(static_cast<int32_t>(a.activation));
  out->launches.push_back(std::move(l));
  return Status();
}

Status lower_fully_connected(LowerContext& ctx, const Node& node, LoweredNode* out) {
  const Graph& g = ctx.graph();
  const Shape& w = g.value(node.inputs[1]).shape;  // [units, depth]
  Launch l = unary_launch("fully_connected", g, node);
  const int64_t rows = l.work_items / w[0];
  const int64_t dims[] = {rows, w[0], w[1]};
  // kMinGemmTileRows rows or more are a GEMM (the weights [units][depth] are a
  // 1x1 conv's): conv2d_tiled's tiles where they fit, offered with
  // fully_connected's work groups (tile 0).
  const std::vector<TuneParams> tiles =
      rows >= kMinGemmTileRows ? gemm_candidates(ctx, kGroupCandidates) : std::vector<TuneParams>{};
  const TuneParams tp = tiles.empty()
                            ? ctx.tune(tune_shape_key("fully_connected", dims), kGroupCandidates)
                            : ctx.tune(tune_shape_key("fully_connected_tiled", dims), tiles);
  l.group = static_cast<size_t>(tp.group);
  add_weights_and_bias(ctx, node, w[0], l);
  const auto act = std::get<FullyConnectedAttrs>(node.attrs).activation;
  if (tp.tile >= kMinGemmTilePixels) {
    // No addend or slopes: operands 4 and 5 are never read (the input and
    // the bias stand in).
    const Operand x = l.operands[1], bias = l.operands[3];
    l.operands.push_back(x);
    l.operands.push_back(bias);
    set_tiled_gemm(l, tp, rows, w[1], w[0], act, false, false);
    out->launches.push_back(std::move(l));
    return Status();
  }
  l.arg(w[0]);
  l.arg(w[1]);
  l.arg(static_cast<int32_t>(act));
  out->launches.push_back(std::move(l));
  return Status();
}

Support supports_batch_matmul(const Graph& g, const Node& node) {
  if (!flat_batch_matmul(g, node)) return decline(node, "with partly broadcast batch dims");
  return Support::yes();
}

Status lower_batch_matmul(LowerContext& ctx, const Node& node, LoweredNode* out) {
  const auto& a = std::get<BatchMatMulAttrs>(node.attrs);
  const FlatBatchMatMul f = *flat_batch_matmul(ctx.graph(), node);
  Launch l;
  l.kernel = "batch_matmul";
  l.operands = {Operand::value(node.outputs[0]), input_operand(ctx, node.inputs[0]),
                input_operand(ctx, node.inputs[1])};
  l.work_items = f.batches * f.m * f.n;
  for (int64_t v : {f.m, f.n, f.k, f.x_batch_stride, f.y_batch_stride}) l.arg(v);
  l.arg(a.adj_x ? 1 : 0);
  l.arg(a.adj_y ? 1 : 0);
  out->launches.push_back(std::move(l));
  return Status();
}

constexpr ClOp kOps[] = {
    {OpType::kConv2D, supports_conv2d, lower_conv2d},
    {OpType::kDepthwiseConv2D, supports_depthwise, lower_depthwise},
    {OpType::kConv3D, supports_conv3d, lower_conv3d},
    {OpType::kTransposeConv, supports_transpose_conv, lower_transpose_conv},
    {OpType::kConvolution2DTransposeBias, supports_transpose_conv, lower_transpose_conv},
    {OpType::kFullyConnected, supports_fully_connected, lower_fully_connected},
    {OpType::kBatchMatMul, supports_batch_matmul, lower_batch_matmul},
};

}  // namespace

std::span<const ClOp> cl_conv_ops() {
  return kOps;
}

}  // namespace odin::cl
