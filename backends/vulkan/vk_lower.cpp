#include "backends/vulkan/vk_lower.h"

#include <cstring>

#include "quant/fp16.h"

namespace odin::vk {

std::vector<float> constant_floats(const LowerContext& ctx, ValueId v) {
  const ConstTensorView t = ctx.constant(v);
  if (t.empty()) return {};
  const auto n = static_cast<size_t>(t.num_elements());
  std::vector<float> out(n);
  if (t.dtype == DType::kF32) {
    std::memcpy(out.data(), t.data, n * 4);  // constants may be unaligned in the file
  } else if (t.dtype == DType::kF16) {
    const auto* p = static_cast<const uint8_t*>(t.data);
    for (size_t i = 0; i < n; ++i) {
      uint16_t h;
      std::memcpy(&h, p + 2 * i, 2);
      out[i] = fp16_to_fp32(h);
    }
  }
  return out;
}

Operand input_operand(LowerContext& ctx, ValueId v) {
  if (!ctx.constant(v).empty()) return Operand::weights(ctx.add_weights(constant_floats(ctx, v)));
  return Operand::value(v);
}

void set_invocations(Dispatch& d, int64_t invocations) {
  d.invocations = static_cast<uint64_t>(invocations);
}

Status lower_node(LowerContext& ctx, const Node& node, LoweredNode* out) {
  switch (node.op) {
    case OpType::kConv2D:
      return lower_conv2d(ctx, node, out);
    case OpType::kDepthwiseConv2D:
      return lower_depthwise_conv2d(ctx, node, out);
    case OpType::kFullyConnected:
      return lower_fully_connected(ctx, node, out);
    ODIN_CASE_BINARY_OPS:
    case OpType::kPrelu:
      return lower_binary(ctx, node, out);
    ODIN_CASE_UNARY_OPS:
      return lower_unary(ctx, node, out);
    case OpType::kPad:
      return lower_pad(ctx, node, out);
    case OpType::kAveragePool2D:
    case OpType::kMaxPool2D:
      return lower_pool2d(ctx, node, out);
    case OpType::kResizeBilinear:
    case OpType::kResizeNearestNeighbor:
      return lower_resize(ctx, node, out);
    case OpType::kConcatenation:
      return lower_concatenation(ctx, node, out);
    case OpType::kReshape:
    case OpType::kSqueeze:
      out->alias_of = node.inputs[0];  // same bytes, new shape: no dispatch
      return Status();
    case OpType::kMean:
    case OpType::kSum:
      return lower_reduce(ctx, node, out);
    case OpType::kDepthToSpace:
    case OpType::kSpaceToDepth:
      return lower_depth_space(ctx, node, out);
    case OpType::kSoftmax:
      return lower_softmax(ctx, node, out);
    default:
      break;
  }
  return make_error(StatusCode::kInternal, "vulkan: no lowering for ", op_type_name(node.op));
}

}  // namespace odin::vk
