// Elementwise ops: ADD/SUB/MUL/DIV, SQUARED_DIFFERENCE and PRELU on the broadcasting binary
// kernel (kernels/vulkan/binary.comp), the unary activations on unary.comp.
// Which function a node computes comes from its op's definition, as a code
// from core/elementwise_fns.h, the list the shaders include too.
#include <array>

#include "backends/vulkan/vk_lower.h"
#include "ops/broadcast.h"
#include "ops/op_def.h"

namespace odin::vk {
namespace {

// Constant operands are uploaded as float weights.
Support supports_binary(const Graph& g, const Node& node) {
  for (ValueId v : node.inputs) {
    if (v == kNoValue || !g.value(v).is_constant()) continue;
    const DType t = g.value(v).dtype;
    if (t != DType::kF32 && t != DType::kF16)
      return decline(node, "with a non-float constant input not supported");
  }
  const Shape& out = g.value(node.outputs[0]).shape;
  if (out.rank() > 4)
    return decline(node, str_cat("of rank ", out.rank(), " not supported (max 4)"));
  // The kernel reads a padded operand as the output's shape (fold_pad's rule).
  if (const auto* a = std::get_if<BinaryAttrs>(&node.attrs); a && a->operand_pad.active()) {
    if (node.inputs[static_cast<size_t>(a->operand_pad.input)] == kNoValue ||
        g.value(node.inputs[static_cast<size_t>(a->operand_pad.input)]).is_constant())
      return decline(node, "with a padded constant operand not supported");
  }
  return Support::yes();
}

Status lower_binary(LowerContext& ctx, const Node& node, LoweredNode* out) {
  const Graph& g = ctx.graph();
  const Shape& so = g.value(node.outputs[0]).shape;
  const Shape& sa = g.value(node.inputs[0]).shape;
  const Shape& sb = g.value(node.inputs[1]).shape;
  const auto* attrs = std::get_if<BinaryAttrs>(&node.attrs);  // PRELU has none
  const Activation act = attrs ? attrs->activation : Activation::kNone;
  // A folded PAD of one operand: the kernel reads it unpadded, zeros around.
  const OperandPad pad = attrs ? attrs->operand_pad : OperandPad{};
  Dispatch d;
  d.kernel = "binary";
  d.spec = {static_cast<int32_t>(op_def(node.op).binary_fn), static_cast<int32_t>(act),
            pad.input + 1};
  // The padded operand's strides are unused (the kernel reads it by pad_in_dims).
  for (int64_t v : dims4(so)) d.push_int(v);
  for (int64_t v : broadcast_strides4(sa, so)) d.push_int(v);
  for (int64_t v : broadcast_strides4(sb, so)) d.push_int(v);
  d.push_int(so.num_elements());
  d.bindings = {Operand::value(node.outputs[0]), input_operand(ctx, node.inputs[0]),
                input_operand(ctx, node.inputs[1])};
  if (pad.active()) {
    for (int i = 0; i < 3; ++i) d.push_int(0);  // std430: the ivec4s start at byte 64
    for (int64_t v : pad.before) d.push_int(v);
    for (int64_t v : dims4(g.value(node.inputs[static_cast<size_t>(pad.input)]).shape))
      d.push_int(v);
  }
  set_invocations(d, so.num_elements());
  out->dispatches.push_back(std::move(d));
  return Status();
}

Status lower_unary(LowerContext& ctx, const Node& node, LoweredNode* out) {
  const int64_t n = ctx.graph().value(node.outputs[0]).shape.num_elements();
  Dispatch d;
  d.kernel = "unary";
  d.spec = {static_cast<int32_t>(unary_fn_of(node))};
  d.push_int(n);
  const auto* leaky = std::get_if<LeakyReluAttrs>(&node.attrs);
  d.push_float(leaky ? leaky->alpha : 0.0f);
  d.bindings = {Operand::value(node.outputs[0]), input_operand(ctx, node.inputs[0])};
  set_invocations(d, n);
  out->dispatches.push_back(std::move(d));
  return Status();
}

constexpr VkOp kOps[] = {
    {OpType::kAdd, supports_binary, lower_binary, true},
    {OpType::kSub, supports_binary, lower_binary, true},
    {OpType::kMul, supports_binary, lower_binary, true},
    {OpType::kDiv, supports_binary, lower_binary, true},
    {OpType::kPrelu, supports_binary, lower_binary, true},
    {OpType::kSquaredDifference, supports_binary, lower_binary, true},
    {OpType::kLogistic, nullptr, lower_unary, true},
    {OpType::kRelu, nullptr, lower_unary, true},
    {OpType::kReluN1To1, nullptr, lower_unary, true},
    {OpType::kRelu6, nullptr, lower_unary, true},
    {OpType::kTanh, nullptr, lower_unary, true},
    {OpType::kHardSwish, nullptr, lower_unary, true},
    {OpType::kLeakyRelu, nullptr, lower_unary, true},
    {OpType::kRsqrt, nullptr, lower_unary, true},
    {OpType::kGelu, nullptr, lower_unary, true},
};

}  // namespace

std::span<const VkOp> vk_elementwise_ops() {
  return kOps;
}

}  // namespace odin::vk
