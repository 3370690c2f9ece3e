#include "backends/opencl/cl_quant.h"

#include <string>

namespace odin::cl {

Support supports_q8(const Graph& graph, const Node& node) {
  const std::string why = q8_gpu_unsupported(graph, node);
  return why.empty() ? Support::yes() : decline(node, why);
}

int32_t sign_arg(DType dtype) {
  return dtype == DType::kI8 ? 128 : 0;
}

Operand q8_operand(LowerContext& ctx, ValueId v) {
  const Value& val = ctx.graph().value(v);
  if (!val.is_constant()) return Operand::value(v);
  return Operand::bytes(ctx.add_bytes(q8_constant_bytes(val)));
}

void arg_multiplier(Launch& l, FixedPointMultiplier m) {
  l.arg(m.multiplier);
  l.arg(m.shift);
}

void arg_output_range(Launch& l, const Value& out, Activation activation) {
  for (int32_t v : q8_output_range(out, activation)) l.arg(v);
}

}  // namespace odin::cl
