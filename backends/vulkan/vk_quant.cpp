#include "backends/vulkan/vk_quant.h"

#include <cstring>
#include <string>

namespace odin::vk {

Support supports_q8(const Graph& graph, const Node& node) {
  const std::string why = q8_gpu_unsupported(graph, node);
  return why.empty() ? Support::yes() : decline(node, why);
}

int32_t signed_spec(DType dtype) {
  return dtype == DType::kI8 ? 1 : 0;
}

int32_t add_channel_params(LowerContext& ctx, const Node& node, int64_t channels) {
  const std::vector<int32_t> params = q8_channel_params(ctx.graph(), node, channels);
  std::vector<uint8_t> bytes(params.size() * 4);
  std::memcpy(bytes.data(), params.data(), bytes.size());
  return ctx.add_bytes(std::move(bytes));
}

void push_multiplier(Dispatch& d, FixedPointMultiplier m) {
  d.push_int(m.multiplier);
  d.push_int(m.shift);
}

void push_output_range(Dispatch& d, const Value& out, Activation activation) {
  for (int32_t v : q8_output_range(out, activation)) d.push_int(v);
}

Operand q8_operand(LowerContext& ctx, ValueId v) {
  const Value& val = ctx.graph().value(v);
  if (!val.is_constant()) return Operand::value(v);
  return Operand::weights(ctx.add_bytes(q8_constant_bytes(val)));
}

void set_word_invocations(Dispatch& d, int64_t elements) {
  set_invocations(d, (elements + 3) / 4);
}

}  // namespace odin::vk
