// Elementwise ops on int8/uint8 (storage and arithmetic in vk_quant.h):
// ADD, SUB, MUL with TFLite's integer rescaling on q8_binary.comp; LOGISTIC,
// TANH, HARD_SWISH and the RELUs through a 256-entry table on q8_lut.comp,
// PRELU through one per channel, the tables computed by the op's reference
// kernel over every input byte, so they are the reference's by construction
// (ops/q8_gpu.h, which also says which nodes run).
#include <vector>

#include "backends/vulkan/vk_quant.h"
#include "ops/broadcast.h"
#include "ops/op_def.h"

namespace odin::vk {
namespace {

Status lower_binary(LowerContext& ctx, const Node& node, LoweredNode* out) {
  const Graph& g = ctx.graph();
  const Value& a = g.value(node.inputs[0]);
  const Value& b = g.value(node.inputs[1]);
  const Value& y = g.value(node.outputs[0]);
  const BinaryFn fn = op_def(node.op).binary_fn;
  Dispatch d;
  d.kernel = "q8_binary";
  d.spec = {signed_spec(y.dtype), static_cast<int32_t>(fn)};
  for (int64_t v : dims4(y.shape)) d.push_int(v);
  for (int64_t v : broadcast_strides4(a.shape, y.shape)) d.push_int(v);
  for (int64_t v : broadcast_strides4(b.shape, y.shape)) d.push_int(v);
  for (int64_t v : {y.shape.num_elements(), int64_t{zero_of(a)}, int64_t{zero_of(b)}})
    d.push_int(v);
  push_output_range(d, y, std::get<BinaryAttrs>(node.attrs).activation);
  for (FixedPointMultiplier m : q8_binary_multipliers(g, node)) push_multiplier(d, m);
  d.bindings = {Operand::value(node.outputs[0]), q8_operand(ctx, node.inputs[0]),
                q8_operand(ctx, node.inputs[1])};
  set_word_invocations(d, y.shape.num_elements());
  out->dispatches.push_back(std::move(d));
  return Status();
}

Status lower_lut(LowerContext& ctx, const Node& node, LoweredNode* out) {
  const int64_t channels = q8_lut_channels(ctx.graph(), node);
  ODIN_ASSIGN_OR_RETURN(std::vector<uint8_t> table, q8_lookup_table(ctx.graph(), node));
  const int64_t words = (ctx.graph().value(node.outputs[0]).shape.num_elements() + 3) / 4;
  Dispatch d;
  d.kernel = "q8_lut";
  d.push_int(words);
  d.push_int(channels);
  d.bindings = {Operand::value(node.outputs[0]), Operand::value(node.inputs[0]),
                Operand::weights(ctx.add_bytes(std::move(table)))};
  set_invocations(d, words);
  out->dispatches.push_back(std::move(d));
  return Status();
}

constexpr VkOp kOps[] = {
    {OpType::kAdd, supports_q8, lower_binary},    {OpType::kSub, supports_q8, lower_binary},
    {OpType::kMul, supports_q8, lower_binary},    {OpType::kLogistic, supports_q8, lower_lut},
    {OpType::kTanh, supports_q8, lower_lut},      {OpType::kHardSwish, supports_q8, lower_lut},
    {OpType::kRelu, supports_q8, lower_lut},      {OpType::kRelu6, supports_q8, lower_lut},
    {OpType::kReluN1To1, supports_q8, lower_lut}, {OpType::kPrelu, supports_q8, lower_lut},
};

}  // namespace

std::span<const VkOp> vk_q8_elementwise_ops() {
  return kOps;
}

}  // namespace odin::vk
