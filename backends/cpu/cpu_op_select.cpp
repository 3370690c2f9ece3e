#include "backends/cpu/cpu_op.h"

namespace odin {

std::unique_ptr<CpuOp> make_cpu_op(const CpuOpContext& ctx, const Node& node) {
  switch (node.op) {
    case OpType::kConv2D:
    case OpType::kDepthwiseConv2D:
    case OpType::kFullyConnected:
      return make_conv_op(ctx, node, nullptr);
    case OpType::kMaxPool2D:
    case OpType::kAveragePool2D:
    case OpType::kResizeBilinear:
      return make_window_op(ctx, node);
    case OpType::kPad:
      return make_pad_op(ctx, node);
    default:
      return make_elementwise_op(ctx, node);
  }
}

}  // namespace odin
