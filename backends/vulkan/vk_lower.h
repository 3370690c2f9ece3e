// Lowering: one graph node to the dispatches that compute it on Vulkan.
// Each op the backend runs has one VkOp entry, kept with the other ops of
// its family (vk_ops_conv.cpp, vk_ops_elementwise.cpp, vk_ops_data.cpp):
// whether it can run a node, and how it lowers it. Every node the backend
// accepts lowers without error.
#pragma once

#include <span>
#include <vector>

#include "backends/vulkan/vk_program.h"
#include "core/graph.h"
#include "core/tensor.h"
#include "runtime/backend.h"

namespace odin::vk {

class LowerContext {
 public:
  virtual ~LowerContext() = default;
  virtual const Graph& graph() const = 0;
  // Registers weights (float values; converted to the run precision and
  // uploaded once); returns the blob index for Operand::weights.
  virtual int32_t add_weights(std::vector<float> values) = 0;
};

struct VkOp {
  OpType type;
  // Op-specific checks, after the generic ones (vk_support.cpp: float32
  // static non-empty tensors, one output); null: none.
  Support (*supports)(const Graph& graph, const Node& node);
  Status (*lower)(LowerContext& ctx, const Node& node, LoweredNode* out);
};

// The entries, per family.
std::span<const VkOp> vk_conv_ops();
std::span<const VkOp> vk_elementwise_ops();
std::span<const VkOp> vk_data_ops();
// The entry of `type`, or null when the backend does not run it.
const VkOp* find_vk_op(OpType type);

// "vulkan: CONV_2D <what>", the form of every decline.
Support decline(const Node& node, const std::string& what);
// A constant's elements as floats (f32 or f16 storage); empty if not constant.
std::vector<float> constant_floats(const LowerContext& ctx, ValueId v);
// Input i is absent, or a float32/float16 constant with a static shape.
bool float_constant_or_absent(const Graph& graph, const Node& node, size_t i);
// An input operand: weights when the value is constant, else the arena value.
Operand input_operand(LowerContext& ctx, ValueId v);
// Threads to launch (64 per workgroup).
void set_invocations(Dispatch& d, int64_t invocations);

}  // namespace odin::vk
