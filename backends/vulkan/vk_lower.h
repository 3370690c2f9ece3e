// Lowering: one graph node to the dispatches that compute it on Vulkan.
// supports() in vk_support.cpp and lower_node() must agree: every node the
// backend accepts lowers without error.
#pragma once

#include <vector>

#include "backends/vulkan/vk_fuse.h"
#include "backends/vulkan/vk_program.h"
#include "core/graph.h"
#include "core/tensor.h"

namespace odin::vk {

class LowerContext {
 public:
  virtual ~LowerContext() = default;
  virtual const Graph& graph() const = 0;
  // The data of a constant value (from the model, or folded at compile
  // time); an empty view (data == nullptr) when `v` is computed at run time.
  virtual ConstTensorView constant(ValueId v) const = 0;
  // Registers weights (float values; converted to the run precision and
  // uploaded once); returns the blob index for Operand::weights.
  virtual int32_t add_weights(std::vector<float> values) = 0;
  // When `v` is the output of a PAD fused into its consumer, how to read it.
  virtual const FusedPad* fused_pad(ValueId v) const = 0;
};

// A constant's elements as floats (f32 or f16 storage); empty if not constant.
std::vector<float> constant_floats(const LowerContext& ctx, ValueId v);
// An input operand: weights when the value is constant, else the arena value.
Operand input_operand(LowerContext& ctx, ValueId v);
// Splits `invocations` into workgroup counts of 64 threads each.
void set_invocations(Dispatch& d, int64_t invocations);

Status lower_node(LowerContext& ctx, const Node& node, LoweredNode* out);

// Per op family (vk_lower_*.cpp).
Status lower_conv2d(LowerContext& ctx, const Node& node, LoweredNode* out);
Status lower_depthwise_conv2d(LowerContext& ctx, const Node& node, LoweredNode* out);
Status lower_fully_connected(LowerContext& ctx, const Node& node, LoweredNode* out);
Status lower_binary(LowerContext& ctx, const Node& node, LoweredNode* out);
Status lower_unary(LowerContext& ctx, const Node& node, LoweredNode* out);
Status lower_pad(LowerContext& ctx, const Node& node, LoweredNode* out);
Status lower_pool2d(LowerContext& ctx, const Node& node, LoweredNode* out);
Status lower_resize(LowerContext& ctx, const Node& node, LoweredNode* out);
Status lower_concatenation(LowerContext& ctx, const Node& node, LoweredNode* out);
Status lower_reduce(LowerContext& ctx, const Node& node, LoweredNode* out);
Status lower_depth_space(LowerContext& ctx, const Node& node, LoweredNode* out);
Status lower_softmax(LowerContext& ctx, const Node& node, LoweredNode* out);

}  // namespace odin::vk
