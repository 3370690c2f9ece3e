#include "backends/vulkan/vk_lower.h"

#include <array>

#include "quant/affine.h"
#include "quant/fp16.h"

namespace odin::vk {

const VkOp* find_vk_op(OpType type, bool quantized) {
  using Table = std::array<const VkOp*, static_cast<size_t>(OpType::kCount)>;
  static const std::array<Table, 2> tables = [] {
    std::array<Table, 2> t{};
    for (auto family : {vk_conv_ops, vk_elementwise_ops, vk_data_ops, vk_llm_ops})
      for (const VkOp& op : family()) t[0][static_cast<size_t>(op.type)] = &op;
    for (auto family : {vk_q8_conv_ops, vk_q8_elementwise_ops, vk_q8_data_ops})
      for (const VkOp& op : family()) t[1][static_cast<size_t>(op.type)] = &op;
    return t;
  }();
  const auto i = static_cast<size_t>(type);
  const Table& table = tables[quantized ? 1 : 0];
  return i < table.size() ? table[i] : nullptr;
}

Support decline(const Node& node, const std::string& what) {
  return Support::no(str_cat("vulkan: ", op_type_name(node.op), " ", what));
}

std::vector<float> constant_floats(const LowerContext& ctx, ValueId v) {
  return read_float_constant(ctx.graph().value(v)).value_or(std::vector<float>{});
}

bool float_constant_or_absent(const Graph& graph, const Node& node, size_t i) {
  if (i >= node.inputs.size() || node.inputs[i] == kNoValue) return true;
  const Value& v = graph.value(node.inputs[i]);
  return v.is_constant() && (v.dtype == DType::kF32 || v.dtype == DType::kF16) &&
         v.shape.is_static();
}

Operand input_operand(LowerContext& ctx, ValueId v) {
  if (ctx.graph().value(v).is_constant())
    return Operand::weights(ctx.add_weights(constant_floats(ctx, v)));
  return Operand::value(v);
}

Status lower_alias(LowerContext&, const Node& node, LoweredNode* out) {
  out->alias_of = node.inputs[0];
  return Status();
}

void set_invocations(Dispatch& d, int64_t invocations) {
  d.invocations = static_cast<uint64_t>(invocations);
}

}  // namespace odin::vk
