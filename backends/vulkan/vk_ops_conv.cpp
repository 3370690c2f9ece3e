// CONV_2D, DEPTHWISE_CONV_2D, CONV_3D, TRANSPOSE_CONV (and MediaPipe's
// Convolution2DTransposeBias), FULLY_CONNECTED and BATCH_MATMUL
// (kernels/vulkan/conv2d.comp, conv2d_tiled.comp, depthwise_conv2d.comp,
// conv3d.comp, transpose_conv.comp, fully_connected.comp, batch_matmul.comp):
// weights repacked for the kernels and uploaded once; an absent bias becomes
// zeros. CONV_2D, DEPTHWISE_CONV_2D, TRANSPOSE_CONV and FULLY_CONNECTED are
// tunable per layer shape (runtime/kernel_tuning.h): the workgroup size, and
// for CONV_2D and TRANSPOSE_CONV the output pixels per invocation (PX), or
// for a 1x1 CONV_2D (a GEMM) the shared-memory tile of conv2d_tiled.comp.
#include <algorithm>
#include <limits>

#include "backends/vulkan/vk_lower.h"
#include "ops/batch_matmul_dims.h"
#include "ops/conv3d_geometry.h"
#include "ops/op_def.h"
#include "ops/transpose_conv_geometry.h"

namespace odin::vk {
namespace {

// Candidate 0 is the default: 64-wide workgroups, 4 pixels per invocation.
constexpr TuneParams kConvCandidates[] = {{0, 0}, {32, 0}, {128, 0}, {64, 2}, {64, 8}, {128, 8}};
constexpr TuneParams kGroupCandidates[] = {{0, 0}, {32, 0}, {128, 0}, {256, 0}};

// A 1x1, stride 1, unpadded CONV_2D is a GEMM [pixels x IC] x [IC x OC]:
// its candidates are conv2d_tiled.comp's tiles, tile = TM pixels (>= 16)
// and group = TM * TN / 16 invocations (4 x 4 outputs each), then
// conv2d.comp's (tile = PX < 16). On a GPU the 64 x 32 tile is the default
// (128 invocations: every device's maxComputeWorkGroupInvocations allows
// them); on a CPU device (lavapipe), where a workgroup's invocations run one
// after another and barriers are dear, conv2d.comp with 4 pixels (lavapipe's
// tuning keeps it on 36 of the MediaPipe models' 41 1x1 layers).
constexpr TuneParams kGemmDirectCandidates[] = {{64, 4}, {64, 8}, {128, 4}};

// The GEMM candidates on this device: the tiles whose shared memory fits
// and `direct`, the direct kernel's (none: the layer takes the direct
// kernel's own candidates), default first.
std::vector<TuneParams> gemm_candidates(const LowerContext& ctx,
                                        std::span<const TuneParams> direct) {
  // (The work-group limit is LowerContext::tune's: it drops candidates
  // larger than the device allows, tiles and direct kernels alike.)
  const std::vector<TuneParams> tiled =
      fitting_gemm_tiles(ctx.shared_memory_bytes(), std::numeric_limits<size_t>::max());
  if (tiled.empty()) return {};
  std::vector<TuneParams> out(direct.begin(), direct.end());
  out.insert(ctx.cpu_device() ? out.end() : out.begin(), tiled.begin(), tiled.end());
  return out;
}

// conv2d_tiled.comp on tile `tp` for the GEMM rows x depth x units, the
// weights repacked as conv2d.comp's: [depth][units padded to 4].
Dispatch gemm_tiled_dispatch(TuneParams tp, int64_t rows, int64_t depth, int64_t units,
                             Activation act, bool addend, bool prelu,
                             std::vector<Operand> bindings) {
  const int64_t tm = tp.tile, tn = gemm_tile_columns(tp), units4 = (units + 3) / 4;
  Dispatch d;
  d.kernel = "conv2d_tiled";
  d.group = static_cast<uint32_t>(tp.group);
  d.spec = {
      static_cast<int32_t>(tm),  static_cast<int32_t>(tn), static_cast<int32_t>(kGemmTileDepth),
      static_cast<int32_t>(act), addend ? 1 : 0,           prelu ? 1 : 0};
  for (int64_t v : {rows, depth, units}) d.push_int(v);
  d.bindings = std::move(bindings);
  set_invocations(d, (rows + tm - 1) / tm * ((units4 * 4 + tn - 1) / tn) * tp.group);
  return d;
}

// The tuning key of a window op: input, output channels, window, strides.
std::string window_shape_key(const char* kernel, const Shape& in, int64_t oc, int64_t kh,
                             int64_t kw, int32_t sh, int32_t sw) {
  const int64_t dims[] = {in[0], in[1], in[2], in[3], oc, kh, kw, sh, sw};
  return tune_shape_key(kernel, dims);
}

// The bias input at `index` padded with zeros to `padded` values, or all zeros.
std::vector<float> bias_or_zeros(const LowerContext& ctx, const Node& node, size_t index,
                                 int64_t padded) {
  std::vector<float> b;
  if (index < node.inputs.size() && node.inputs[index] != kNoValue)
    b = constant_floats(ctx, node.inputs[index]);
  b.resize(static_cast<size_t>(padded), 0.0f);
  return b;
}

// OHWI weights `w` as [KH][KW][IC][OC padded to 4] (zeros past OC): four
// output channels load as one vector (conv2d.comp, transpose_conv.comp).
std::vector<float> pack_ohwi_oc4(const std::vector<float>& w, const Shape& f) {
  const int64_t OC = f[0], KH = f[1], KW = f[2], IC = f[3], OC4 = (OC + 3) / 4;
  std::vector<float> packed(static_cast<size_t>(KH * KW * IC * OC4 * 4), 0.0f);
  for (int64_t oc = 0; oc < OC; ++oc)
    for (int64_t ky = 0; ky < KH; ++ky)
      for (int64_t kx = 0; kx < KW; ++kx)
        for (int64_t ic = 0; ic < IC; ++ic)
          packed[static_cast<size_t>(((ky * KW + kx) * IC + ic) * OC4 * 4 + oc)] =
              w[static_cast<size_t>(((oc * KH + ky) * KW + kx) * IC + ic)];
  return packed;
}

// Weights (and bias, and a fused PRELU's slopes) must be constants: they are
// uploaded at compile.
Support weights_constant(const Graph& g, const Node& node) {
  if (!float_constant_or_absent(g, node, 1) || !float_constant_or_absent(g, node, 2) ||
      node.inputs.size() < 2 || node.inputs[1] == kNoValue)
    return decline(node, "with run-time (non-constant) weights not supported");
  const int slot = op_def(node.op).prelu_alpha_input;
  if (slot >= 0 && !float_constant_or_absent(g, node, static_cast<size_t>(slot)))
    return decline(node, "with run-time (non-constant) PRELU slopes not supported");
  return Support::yes();
}

// A fused PRELU's slopes padded with zeros to `padded` values, or none.
std::vector<float> prelu_slopes(const LowerContext& ctx, const Node& node, int64_t padded) {
  std::vector<float> a;
  if (const ValueId alpha = prelu_alpha_of(node); alpha != kNoValue) {
    a = constant_floats(ctx, alpha);
    a.resize(static_cast<size_t>(padded), 0.0f);
  }
  return a;
}

Support supports_conv2d(const Graph& g, const Node& node) {
  if (Support s = weights_constant(g, node); !s.ok) return s;
  const Shape& in = g.value(node.inputs[0]).shape;
  const Shape& f = g.value(node.inputs[1]).shape;
  if (in.rank() != 4 || f.rank() != 4) return decline(node, "needs 4-D tensors");
  if (f[3] != in[3]) return decline(node, "grouped convolution not supported");
  return Support::yes();
}

Support supports_depthwise_conv2d(const Graph& g, const Node& node) {
  if (Support s = weights_constant(g, node); !s.ok) return s;
  if (g.value(node.inputs[0]).shape.rank() != 4 || g.value(node.inputs[1]).shape.rank() != 4)
    return decline(node, "needs 4-D tensors");
  return Support::yes();
}

Support supports_fully_connected(const Graph& g, const Node& node) {
  if (has_block_weights(g, node)) return supports_block_fully_connected(g, node);
  if (Support s = weights_constant(g, node); !s.ok) return s;
  if (g.value(node.inputs[1]).shape.rank() != 2) return decline(node, "needs 2-D weights");
  return Support::yes();
}

Status lower_conv2d(LowerContext& ctx, const Node& node, LoweredNode* out) {
  const Graph& g = ctx.graph();
  const auto& a = std::get<Conv2DAttrs>(node.attrs);
  const Shape& in = g.value(node.inputs[0]).shape;
  const Shape& f = g.value(node.inputs[1]).shape;  // OHWI
  const Shape& o = g.value(node.outputs[0]).shape;
  const int64_t OC = f[0], KH = f[1], KW = f[2], IC = f[3], OC4 = (OC + 3) / 4;
  std::vector<float> packed = pack_ohwi_oc4(constant_floats(ctx, node.inputs[1]), f);
  const SpatialPadding ph = conv_padding_h(a, in[1], KH);
  const SpatialPadding pw = conv_padding_w(a, in[2], KW);
  const ValueId addend = addend_of(node);
  std::vector<float> slopes = prelu_slopes(ctx, node, OC4 * 4);
  const bool prelu = !slopes.empty();

  // A 1x1 layer over every pixel is a GEMM: conv2d_tiled.comp where its
  // tiles fit the device's shared memory, offered with conv2d.comp's.
  const bool gemm = KH == 1 && KW == 1 && a.stride_h == 1 && a.stride_w == 1 && ph.before == 0 &&
                    pw.before == 0 && o[1] == in[1] && o[2] == in[2];
  const std::vector<TuneParams> gemm_tiles =
      gemm ? gemm_candidates(ctx, kGemmDirectCandidates) : std::vector<TuneParams>{};
  const TuneParams tp =
      gemm_tiles.empty()
          ? ctx.tune(window_shape_key("conv2d", in, OC, KH, KW, a.stride_h, a.stride_w),
                     kConvCandidates)
          : ctx.tune(window_shape_key("conv2d_tiled", in, OC, KH, KW, a.stride_h, a.stride_w),
                     gemm_tiles);
  // Without an addend the shaders never read binding 4: the input stands in;
  // without slopes, binding 5 (the bias stands in).
  const Operand bias = Operand::weights(ctx.add_weights(bias_or_zeros(ctx, node, 2, OC4 * 4)));
  const std::vector<Operand> bindings = {
      Operand::value(node.outputs[0]),
      Operand::value(node.inputs[0]),
      Operand::weights(ctx.add_weights(std::move(packed))),
      bias,
      addend != kNoValue ? input_operand(ctx, addend) : Operand::value(node.inputs[0]),
      prelu ? Operand::weights(ctx.add_weights(std::move(slopes))) : bias};
  if (tp.tile >= kMinGemmTilePixels) {
    out->dispatches.push_back(gemm_tiled_dispatch(tp, in[0] * in[1] * in[2], IC, OC, a.activation,
                                                  addend != kNoValue, prelu, bindings));
    return Status();
  }
  Dispatch d;
  d.group = static_cast<uint32_t>(tp.group);
  d.bindings = bindings;
  // Output pixels per invocation along x: each weight load serves them all.
  const int64_t px = std::min<int64_t>(o[2], tp.tile != 0 ? tp.tile : 4);
  d.kernel = "conv2d";
  d.spec = {static_cast<int32_t>(KH),
            static_cast<int32_t>(KW),
            a.stride_h,
            a.stride_w,
            a.dilation_h,
            a.dilation_w,
            static_cast<int32_t>(a.activation),
            static_cast<int32_t>(px),
            addend != kNoValue ? 1 : 0,
            prelu ? 1 : 0};
  for (int64_t v : {in[0], in[1], in[2], in[3], o[1], o[2], OC, ph.before, pw.before})
    d.push_int(v);
  set_invocations(d, in[0] * o[1] * ((o[2] + px - 1) / px) * OC4);
  out->dispatches.push_back(std::move(d));
  return Status();
}

Status lower_depthwise_conv2d(LowerContext& ctx, const Node& node, LoweredNode* out) {
  const Graph& g = ctx.graph();
  const auto& a = std::get<DepthwiseConv2DAttrs>(node.attrs);
  const Shape& in = g.value(node.inputs[0]).shape;
  const Shape& f = g.value(node.inputs[1]).shape;  // [1, KH, KW, OC]
  const Shape& o = g.value(node.outputs[0]).shape;
  const int64_t KH = f[1], KW = f[2], OC = f[3];
  const SpatialPadding ph = conv_padding_h(a, in[1], KH);
  const SpatialPadding pw = conv_padding_w(a, in[2], KW);
  std::vector<float> slopes = prelu_slopes(ctx, node, OC);
  const bool prelu = !slopes.empty();

  Dispatch d;
  d.kernel = "depthwise_conv2d";
  d.group = static_cast<uint32_t>(
      ctx.tune(window_shape_key("depthwise_conv2d", in, OC, KH, KW, a.stride_h, a.stride_w),
               kGroupCandidates)
          .group);
  d.spec = {static_cast<int32_t>(KH),
            static_cast<int32_t>(KW),
            a.stride_h,
            a.stride_w,
            a.dilation_h,
            a.dilation_w,
            static_cast<int32_t>(a.activation),
            prelu ? 1 : 0};
  for (int64_t v : {in[0], in[1], in[2], in[3], o[1], o[2], OC, ph.before, pw.before, OC / in[3]})
    d.push_int(v);
  // Without slopes the shader never reads binding 4: the bias stands in.
  const Operand bias = Operand::weights(ctx.add_weights(bias_or_zeros(ctx, node, 2, OC)));
  d.bindings = {Operand::value(node.outputs[0]), Operand::value(node.inputs[0]),
                Operand::weights(ctx.add_weights(constant_floats(ctx, node.inputs[1]))), bias,
                prelu ? Operand::weights(ctx.add_weights(std::move(slopes))) : bias};
  set_invocations(d, in[0] * o[1] * o[2] * OC);
  out->dispatches.push_back(std::move(d));
  return Status();
}

Support supports_transpose_conv(const Graph& g, const Node& node) {
  const std::string why_not = transpose_conv_gpu_unsupported(g, node);
  return why_not.empty() ? Support::yes() : decline(node, why_not);
}

// TRANSPOSE_CONV and Convolution2DTransposeBias, in gather form
// (transpose_conv.comp): an invocation per PX output pixels SW apart along x
// (tuned as conv2d's) and 4 output channels.
Status lower_transpose_conv(LowerContext& ctx, const Node& node, LoweredNode* out) {
  const Graph& g = ctx.graph();
  const auto& a = std::get<TransposeConvAttrs>(node.attrs);
  const TransposeConvSlots slot = transpose_conv_slots(node.op);
  const TransposeConvGeometry c = transpose_conv_geometry(g, node);
  const Shape& in = g.value(node.inputs[slot.input]).shape;
  const int64_t OC4 = (c.out_c + 3) / 4;
  const TuneParams tp = ctx.tune(
      window_shape_key("transpose_conv", in, c.out_c, c.k_h, c.k_w, a.stride_h, a.stride_w),
      kConvCandidates);
  // At most the pixels of one residue class along x.
  const int64_t px =
      std::min<int64_t>(tp.tile != 0 ? tp.tile : 4, (c.out_w + c.stride_w - 1) / c.stride_w);
  Dispatch d;
  d.kernel = "transpose_conv";
  d.group = static_cast<uint32_t>(tp.group);
  d.spec = {static_cast<int32_t>(c.k_h),        static_cast<int32_t>(c.k_w), a.stride_h, a.stride_w,
            static_cast<int32_t>(a.activation), static_cast<int32_t>(px)};
  for (int64_t v : {c.batch, c.in_h, c.in_w, c.in_c, c.out_h, c.out_w, c.out_c, c.pad_h, c.pad_w})
    d.push_int(v);
  const ValueId filter = node.inputs[slot.filter];
  std::vector<float> packed = pack_ohwi_oc4(constant_floats(ctx, filter), g.value(filter).shape);
  d.bindings = {Operand::value(node.outputs[0]), Operand::value(node.inputs[slot.input]),
                Operand::weights(ctx.add_weights(std::move(packed))),
                Operand::weights(ctx.add_weights(bias_or_zeros(ctx, node, slot.bias, OC4 * 4)))};
  const int64_t x_invocations = (c.out_w + px * c.stride_w - 1) / (px * c.stride_w) * c.stride_w;
  set_invocations(d, c.batch * c.out_h * x_invocations * OC4);
  out->dispatches.push_back(std::move(d));
  return Status();
}

Support supports_conv3d(const Graph& g, const Node& node) {
  const std::string why_not = conv3d_gpu_unsupported(g, node);
  return why_not.empty() ? Support::yes() : decline(node, why_not);
}

// CONV_3D: the filter rearranged to [OC][KD][KH][KW][IC] (ops/conv3d_geometry.h)
// so an invocation's filter reads are contiguous.
Status lower_conv3d(LowerContext& ctx, const Node& node, LoweredNode* out) {
  const auto& a = std::get<Conv3DAttrs>(node.attrs);
  Conv3DGpuConstants k = conv3d_gpu_constants(ctx.graph(), node);
  const Conv3DGeometry& c = k.geo;
  Dispatch d;
  d.kernel = "conv3d";
  for (int64_t v : {c.k_d, c.k_h, c.k_w, c.stride_d, c.stride_h, c.stride_w, c.dilation_d,
                    c.dilation_h, c.dilation_w})
    d.spec.push_back(static_cast<int32_t>(v));
  d.spec.push_back(static_cast<int32_t>(a.activation));
  for (int64_t v : {c.batch, c.in_d, c.in_h, c.in_w, c.in_c, c.out_d, c.out_h, c.out_w, c.out_c,
                    c.pad_d, c.pad_h, c.pad_w})
    d.push_int(v);
  d.bindings = {Operand::value(node.outputs[0]), Operand::value(node.inputs[0]),
                Operand::weights(ctx.add_weights(std::move(k.filter))),
                Operand::weights(ctx.add_weights(std::move(k.bias)))};
  set_invocations(d, c.out_elements());
  out->dispatches.push_back(std::move(d));
  return Status();
}

Status lower_fully_connected(LowerContext& ctx, const Node& node, LoweredNode* out) {
  const Graph& g = ctx.graph();
  if (has_block_weights(g, node)) return lower_block_fully_connected(ctx, node, out);
  const auto& a = std::get<FullyConnectedAttrs>(node.attrs);
  const Shape& w = g.value(node.inputs[1]).shape;  // [units, depth]
  const int64_t units = w[0], depth = w[1];
  const int64_t batch = g.value(node.inputs[0]).shape.num_elements() / depth;
  const int64_t dims[] = {batch, units, depth};
  // kMinGemmTileRows rows or more are a GEMM: conv2d_tiled.comp's tiles where
  // they fit, offered with fully_connected.comp's work groups (tile 0).
  // With rows set per run, runs of fewer rows take fully_connected.comp.
  const std::vector<TuneParams> tiles = batch >= kMinGemmTileRows
                                            ? gemm_candidates(ctx, kGroupCandidates)
                                            : std::vector<TuneParams>{};
  const TuneParams tp = tiles.empty()
                            ? ctx.tune(tune_shape_key("fully_connected", dims), kGroupCandidates)
                            : ctx.tune(tune_shape_key("fully_connected_tiled", dims), tiles);
  const bool tiled = tp.tile >= kMinGemmTilePixels;
  const bool run_rows = g.value(node.outputs[0]).shape.has_symbols();
  const std::vector<float> weights = constant_floats(ctx, node.inputs[1]);
  if (!tiled || run_rows) {
    Dispatch d;
    d.kernel = "fully_connected";
    d.group = static_cast<uint32_t>(tiled ? 0 : tp.group);
    d.spec = {static_cast<int32_t>(a.activation)};
    for (int64_t v : {batch, units, depth}) d.push_int(v);
    d.bindings = {Operand::value(node.outputs[0]), Operand::value(node.inputs[0]),
                  Operand::weights(ctx.add_weights(weights)),
                  Operand::weights(ctx.add_weights(bias_or_zeros(ctx, node, 2, units)))};
    if (tiled) {
      d.rows = batch;
      d.max_rows = kMinGemmTileRows - 1;
    }
    set_invocations(d, batch * units);
    out->dispatches.push_back(std::move(d));
  }
  if (tiled) {
    const int64_t units4 = (units + 3) / 4;
    std::vector<float> packed(static_cast<size_t>(depth * units4 * 4), 0.0f);
    for (int64_t u = 0; u < units; ++u)
      for (int64_t k = 0; k < depth; ++k)
        packed[static_cast<size_t>(k * units4 * 4 + u)] =
            weights[static_cast<size_t>(u * depth + k)];
    // No addend or slopes: bindings 4 and 5 are never read (the input and
    // the bias stand in).
    const Operand bias = Operand::weights(ctx.add_weights(bias_or_zeros(ctx, node, 2, units4 * 4)));
    Dispatch d =
        gemm_tiled_dispatch(tp, batch, depth, units, a.activation, false, false,
                            {Operand::value(node.outputs[0]), Operand::value(node.inputs[0]),
                             Operand::weights(ctx.add_weights(std::move(packed))), bias,
                             Operand::value(node.inputs[0]), bias});
    if (run_rows) {
      d.rows = batch;
      d.min_rows = kMinGemmTileRows;
      d.row_tile = tp.tile;
    }
    out->dispatches.push_back(std::move(d));
  }
  return Status();
}

Support supports_batch_matmul(const Graph& g, const Node& node) {
  if (!flat_batch_matmul(g, node)) return decline(node, "with partly broadcast batch dims");
  return Support::yes();
}

Status lower_batch_matmul(LowerContext& ctx, const Node& node, LoweredNode* out) {
  const auto& a = std::get<BatchMatMulAttrs>(node.attrs);
  const FlatBatchMatMul f = *flat_batch_matmul(ctx.graph(), node);
  Dispatch d;
  d.kernel = "batch_matmul";
  d.spec = {a.adj_x ? 1 : 0, a.adj_y ? 1 : 0};
  for (int64_t v : {f.batches, f.m, f.n, f.k, f.x_batch_stride, f.y_batch_stride}) d.push_int(v);
  d.bindings = {Operand::value(node.outputs[0]), input_operand(ctx, node.inputs[0]),
                input_operand(ctx, node.inputs[1])};
  set_invocations(d, f.batches * f.m * f.n);
  out->dispatches.push_back(std::move(d));
  return Status();
}

// Block weights are repacked into buffers as large as the matrix; constant
// float ones are bound as float32 (fp16 storage would halve them: the
// bound is for the larger).
uint64_t fully_connected_binding_bytes(const Graph& g, const Node& node) {
  if (has_block_weights(g, node)) return block_weight_binding_bytes(g, node.inputs[1]);
  // conv2d_tiled.comp's repacking pads the units to a multiple of 4.
  const Value& w = g.value(node.inputs[1]);
  if (!w.is_constant() || w.shape.rank() != 2) return 0;
  return static_cast<uint64_t>(std::max<int64_t>((w.shape[0] + 3) / 4 * 4 * w.shape[1], 0)) * 4;
}

constexpr VkOp kOps[] = {
    {OpType::kConv2D, supports_conv2d, lower_conv2d},
    {OpType::kDepthwiseConv2D, supports_depthwise_conv2d, lower_depthwise_conv2d},
    {OpType::kConv3D, supports_conv3d, lower_conv3d},
    {OpType::kTransposeConv, supports_transpose_conv, lower_transpose_conv},
    {OpType::kConvolution2DTransposeBias, supports_transpose_conv, lower_transpose_conv},
    {OpType::kFullyConnected, supports_fully_connected, lower_fully_connected, true, false, false,
     fully_connected_binding_bytes},
    {OpType::kBatchMatMul, supports_batch_matmul, lower_batch_matmul},
};

}  // namespace

std::span<const VkOp> vk_conv_ops() {
  return kOps;
}

}  // namespace odin::vk
