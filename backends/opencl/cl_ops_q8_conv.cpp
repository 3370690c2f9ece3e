// CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED on int8/uint8 (kernels/
// opencl/q8_conv.cl; storage and arithmetic in cl_quant.h): weights
// uploaded as the model's bytes, the per-channel requantization as one int32
// table. Which nodes run: ops/q8_gpu.h.
#include "backends/opencl/cl_quant.h"

namespace odin::cl {
namespace {

// A window's launch (q8_conv2d, q8_depthwise_conv2d): operands y, x, the
// weights, the channel table; arguments sign, IH, IW, IC, OH, OW, OC, KH,
// KW, strides h/w, dilations h/w, pad top, pad left (the kernel's own follow).
template <typename Attrs>
Launch window_launch(LowerContext& ctx, const char* kernel, const Node& node, const Attrs& a,
                     int64_t channels) {
  const Graph& g = ctx.graph();
  const Value& x = g.value(node.inputs[0]);
  const Shape& f = g.value(node.inputs[1]).shape;
  const Shape& o = g.value(node.outputs[0]).shape;
  Launch l;
  l.kernel = kernel;
  l.operands = {Operand::value(node.outputs[0]), Operand::value(node.inputs[0]),
                q8_operand(ctx, node.inputs[1]),
                Operand::int_weights(ctx.add_int_weights(q8_channel_params(g, node, channels)))};
  const SpatialPadding ph = conv_padding_h(a, x.shape[1], f[1]);
  const SpatialPadding pw = conv_padding_w(a, x.shape[2], f[2]);
  l.arg(sign_arg(x.dtype));
  for (int64_t v :
       {x.shape[1], x.shape[2], x.shape[3], o[1], o[2], o[3], f[1], f[2], int64_t{a.stride_h},
        int64_t{a.stride_w}, int64_t{a.dilation_h}, int64_t{a.dilation_w}, ph.before, pw.before})
    l.arg(v);
  return l;
}

// The arguments every weighted launch ends with: the input's zero point
// and the output's zero point and range under the fused activation.
void end_weighted(const Graph& g, const Node& node, Activation activation, Launch l,
                  int64_t work_items, LoweredNode* out) {
  l.arg(zero_of(g.value(node.inputs[0])));
  arg_output_range(l, g.value(node.outputs[0]), activation);
  l.work_items = work_items;
  out->launches.push_back(std::move(l));
}

Status lower_conv2d(LowerContext& ctx, const Node& node, LoweredNode* out) {
  const Graph& g = ctx.graph();
  const auto& a = std::get<Conv2DAttrs>(node.attrs);
  const Shape& f = g.value(node.inputs[1]).shape;  // OHWI
  const int64_t oc = f[0], count = oc % 4 == 0 ? 4 : 1;
  Launch l = window_launch(ctx, "q8_conv2d", node, a, oc);
  l.arg(count);
  l.arg(f[3] % 4 == 0 ? 1 : 0);
  end_weighted(g, node, a.activation, std::move(l),
               g.value(node.outputs[0]).shape.num_elements() / count, out);
  return Status();
}

Status lower_depthwise_conv2d(LowerContext& ctx, const Node& node, LoweredNode* out) {
  const Graph& g = ctx.graph();
  const auto& a = std::get<DepthwiseConv2DAttrs>(node.attrs);
  const Shape& f = g.value(node.inputs[1]).shape;  // [1, KH, KW, OC]
  Launch l = window_launch(ctx, "q8_depthwise_conv2d", node, a, f[3]);
  l.arg(f[3] / g.value(node.inputs[0]).shape[3]);  // the depth multiplier
  end_weighted(g, node, a.activation, std::move(l), g.value(node.outputs[0]).shape.num_elements(),
               out);
  return Status();
}

Status lower_fully_connected(LowerContext& ctx, const Node& node, LoweredNode* out) {
  const Graph& g = ctx.graph();
  const auto& a = std::get<FullyConnectedAttrs>(node.attrs);
  const Value& x = g.value(node.inputs[0]);
  const Shape& w = g.value(node.inputs[1]).shape;  // [units, depth]
  const int64_t units = w[0], depth = w[1];
  Launch l;
  l.kernel = "q8_fully_connected";
  l.operands = {Operand::value(node.outputs[0]), Operand::value(node.inputs[0]),
                q8_operand(ctx, node.inputs[1]),
                Operand::int_weights(ctx.add_int_weights(q8_channel_params(g, node, units)))};
  for (int64_t v : {int64_t{sign_arg(x.dtype)}, units, depth, int64_t{depth % 4 == 0 ? 1 : 0}})
    l.arg(v);
  end_weighted(g, node, a.activation, std::move(l), x.shape.num_elements() / depth * units, out);
  return Status();
}

constexpr ClOp kOps[] = {
    {OpType::kConv2D, supports_q8, lower_conv2d},
    {OpType::kDepthwiseConv2D, supports_q8, lower_depthwise_conv2d},
    {OpType::kFullyConnected, supports_q8, lower_fully_connected},
};

}  // namespace

std::span<const ClOp> cl_q8_conv_ops() {
  return kOps;
}

}  // namespace odin::cl
