// Elementwise ops: ADD/SUB/MUL/DIV, SQUARED_DIFFERENCE and PRELU on the
// broadcasting `binary` kernel, the activations on `unary`. The function is
// its op's code from core/elementwise_fns.h, the list the kernels include.
#include "backends/opencl/cl_lower.h"
#include "ops/broadcast.h"
#include "ops/op_def.h"

namespace odin::cl {
namespace {

Support supports_binary(const Graph& g, const Node& node) {
  if (node.inputs.size() != 2) return decline(node, "needs two inputs");
  for (size_t i = 0; i < 2; ++i)
    if (g.value(node.inputs[i]).is_constant() && !float_constant_or_absent(g, node, i))
      return decline(node, "with a non-float constant input not supported");
  if (g.value(node.outputs[0]).shape.rank() > 4)
    return decline(node, "of rank over 4 not supported");
  if (const auto* a = std::get_if<BinaryAttrs>(&node.attrs); a && a->operand_pad.active())
    if (g.value(node.inputs[static_cast<size_t>(a->operand_pad.input)]).is_constant())
      return decline(node, "with a padded constant operand not supported");
  return Support::yes();
}

Status lower_binary(LowerContext& ctx, const Node& node, LoweredNode* out) {
  const Graph& g = ctx.graph();
  const Shape& so = g.value(node.outputs[0]).shape;
  const auto* attrs = std::get_if<BinaryAttrs>(&node.attrs);  // PRELU has none
  // A folded zero PAD of one operand: read unpadded, 0 outside.
  const OperandPad pad = attrs ? attrs->operand_pad : OperandPad{};
  Launch l;
  l.kernel = "binary";
  l.operands = {Operand::value(node.outputs[0]), input_operand(ctx, node.inputs[0]),
                input_operand(ctx, node.inputs[1])};
  l.arg(static_cast<int32_t>(op_def(node.op).binary_fn));
  l.arg(static_cast<int32_t>(attrs ? attrs->activation : Activation::kNone));
  l.arg(pad.input + 1);
  for (int64_t v : dims4(so)) l.arg(v);
  for (ValueId in : {node.inputs[0], node.inputs[1]})
    for (int64_t v : broadcast_strides4(g.value(in).shape, so)) l.arg(v);
  const std::array<int64_t, 4> pad_dims =
      pad.active() ? dims4(g.value(node.inputs[static_cast<size_t>(pad.input)]).shape)
                   : std::array<int64_t, 4>{1, 1, 1, 1};
  for (int64_t v : pad.before) l.arg(v);
  for (int64_t v : pad_dims) l.arg(v);
  l.work_items = so.num_elements();
  out->launches.push_back(std::move(l));
  return Status();
}

Status lower_unary(LowerContext& ctx, const Node& node, LoweredNode* out) {
  Launch l = unary_launch("unary", ctx.graph(), node);
  l.arg(static_cast<int32_t>(unary_fn_of(node)));
  const auto* leaky = std::get_if<LeakyReluAttrs>(&node.attrs);
  l.arg_float(leaky ? leaky->alpha : 0.0f);
  out->launches.push_back(std::move(l));
  return Status();
}

constexpr ClOp kOps[] = {
    {OpType::kAdd, supports_binary, lower_binary},
    {OpType::kSub, supports_binary, lower_binary},
    {OpType::kMul, supports_binary, lower_binary},
    {OpType::kDiv, supports_binary, lower_binary},
    {OpType::kPrelu, supports_binary, lower_binary},
    {OpType::kSquaredDifference, supports_binary, lower_binary},
    {OpType::kLogistic, nullptr, lower_unary},
    {OpType::kRelu, nullptr, lower_unary},
    {OpType::kReluN1To1, nullptr, lower_unary},
    {OpType::kRelu6, nullptr, lower_unary},
    {OpType::kTanh, nullptr, lower_unary},
    {OpType::kHardSwish, nullptr, lower_unary},
    {OpType::kLeakyRelu, nullptr, lower_unary},
    {OpType::kRsqrt, nullptr, lower_unary},
    {OpType::kGelu, nullptr, lower_unary},
};

}  // namespace

std::span<const ClOp> cl_elementwise_ops() {
  return kOps;
}

}  // namespace odin::cl
