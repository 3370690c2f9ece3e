// CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED on int8/uint8 (kernels/
// vulkan/q8_conv2d.comp, q8_depthwise_conv2d.comp, q8_fully_connected.comp;
// storage and arithmetic in vk_quant.h): weights uploaded as the model's
// bytes, the per-channel requantization as one int32 table. Which nodes
// run: ops/q8_gpu.h.
#include "backends/vulkan/vk_quant.h"

namespace odin::vk {
namespace {

// A window's dispatch (q8_conv2d, q8_depthwise_conv2d): specialization
// constants SIGNED, KH, KW, strides h/w, dilations h/w (the kernel's own
// follow); push constants N, IH, IW, IC, OH, OW, OC, pad top, pad left.
template <typename Attrs>
Dispatch window_dispatch(const char* kernel, const Attrs& a, const Value& x, const Shape& f,
                         const Shape& o) {
  Dispatch d;
  d.kernel = kernel;
  d.spec = {signed_spec(x.dtype),
            static_cast<int32_t>(f[1]),
            static_cast<int32_t>(f[2]),
            a.stride_h,
            a.stride_w,
            a.dilation_h,
            a.dilation_w};
  const SpatialPadding ph = conv_padding_h(a, x.shape[1], f[1]);
  const SpatialPadding pw = conv_padding_w(a, x.shape[2], f[2]);
  for (int64_t v :
       {x.shape[0], x.shape[1], x.shape[2], x.shape[3], o[1], o[2], o[3], ph.before, pw.before})
    d.push_int(v);
  return d;
}

// The end every weighted dispatch shares: push constants the input's zero
// point and the output's range under the fused activation; bindings output,
// input, weights, channel table (`channels` rows); one invocation per word
// of the output's `elements`.
Status add_weighted(LowerContext& ctx, const Node& node, Activation activation, int64_t channels,
                    int64_t elements, Dispatch d, LoweredNode* out) {
  const Graph& g = ctx.graph();
  d.push_int(zero_of(g.value(node.inputs[0])));
  push_output_range(d, g.value(node.outputs[0]), activation);
  d.bindings = {Operand::value(node.outputs[0]), Operand::value(node.inputs[0]),
                q8_operand(ctx, node.inputs[1]),
                Operand::weights(add_channel_params(ctx, node, channels))};
  set_word_invocations(d, elements);
  out->dispatches.push_back(std::move(d));
  return Status();
}

Status lower_conv2d(LowerContext& ctx, const Node& node, LoweredNode* out) {
  const Graph& g = ctx.graph();
  const auto& a = std::get<Conv2DAttrs>(node.attrs);
  const Shape& f = g.value(node.inputs[1]).shape;  // OHWI
  const Shape& o = g.value(node.outputs[0]).shape;
  Dispatch d = window_dispatch("q8_conv2d", a, g.value(node.inputs[0]), f, o);
  d.spec.push_back(f[3] % 4 == 0 ? 1 : 0);  // IC_WORDS
  d.spec.push_back(f[0] % 4 == 0 ? 1 : 0);  // OC_WORDS
  return add_weighted(ctx, node, a.activation, f[0], o.num_elements(), std::move(d), out);
}

Status lower_depthwise_conv2d(LowerContext& ctx, const Node& node, LoweredNode* out) {
  const Graph& g = ctx.graph();
  const auto& a = std::get<DepthwiseConv2DAttrs>(node.attrs);
  const Value& x = g.value(node.inputs[0]);
  const Shape& f = g.value(node.inputs[1]).shape;  // [1, KH, KW, OC]
  const Shape& o = g.value(node.outputs[0]).shape;
  Dispatch d = window_dispatch("q8_depthwise_conv2d", a, x, f, o);
  d.push_int(f[3] / x.shape[3]);
  return add_weighted(ctx, node, a.activation, f[3], o.num_elements(), std::move(d), out);
}

Status lower_fully_connected(LowerContext& ctx, const Node& node, LoweredNode* out) {
  const Graph& g = ctx.graph();
  const auto& a = std::get<FullyConnectedAttrs>(node.attrs);
  const Value& x = g.value(node.inputs[0]);
  const Shape& w = g.value(node.inputs[1]).shape;  // [units, depth]
  const int64_t units = w[0], depth = w[1];
  const int64_t batch = x.shape.num_elements() / depth;
  Dispatch d;
  d.kernel = "q8_fully_connected";
  d.spec = {signed_spec(x.dtype), depth % 4 == 0 ? 1 : 0};
  for (int64_t v : {batch, units, depth}) d.push_int(v);
  return add_weighted(ctx, node, a.activation, units, batch * units, std::move(d), out);
}

constexpr VkOp kOps[] = {
    {OpType::kConv2D, supports_q8, lower_conv2d},
    {OpType::kDepthwiseConv2D, supports_q8, lower_depthwise_conv2d},
    {OpType::kFullyConnected, supports_q8, lower_fully_connected},
};

}  // namespace

std::span<const VkOp> vk_q8_conv_ops() {
  return kOps;
}

}  // namespace odin::vk
