// Elementwise ops on int8/uint8 (kernels/opencl/q8_elementwise.cl; storage
// and arithmetic in cl_quant.h): ADD, SUB, MUL with TFLite's integer
// rescaling on q8_binary; LOGISTIC, TANH, HARD_SWISH and the RELUs through a
// 256-entry table on q8_lut, PRELU through one per channel, the tables
// computed by the op's reference kernel over every input byte (ops/q8_gpu.h,
// which also says which nodes run).
#include <vector>

#include "backends/opencl/cl_quant.h"
#include "ops/broadcast.h"
#include "ops/op_def.h"

namespace odin::cl {
namespace {

Status lower_binary(LowerContext& ctx, const Node& node, LoweredNode* out) {
  const Graph& g = ctx.graph();
  const Value& a = g.value(node.inputs[0]);
  const Value& b = g.value(node.inputs[1]);
  const Value& y = g.value(node.outputs[0]);
  Launch l;
  l.kernel = "q8_binary";
  l.operands = {Operand::value(node.outputs[0]), q8_operand(ctx, node.inputs[0]),
                q8_operand(ctx, node.inputs[1])};
  l.arg(sign_arg(y.dtype));
  l.arg(static_cast<int32_t>(op_def(node.op).binary_fn));
  for (int64_t v : dims4(y.shape)) l.arg(v);
  for (int64_t v : broadcast_strides4(a.shape, y.shape)) l.arg(v);
  for (int64_t v : broadcast_strides4(b.shape, y.shape)) l.arg(v);
  l.arg(zero_of(a));
  l.arg(zero_of(b));
  arg_output_range(l, y, std::get<BinaryAttrs>(node.attrs).activation);
  for (FixedPointMultiplier m : q8_binary_multipliers(g, node)) arg_multiplier(l, m);
  l.arg(a.shape == y.shape && b.shape == y.shape ? 1 : 0);
  l.work_items = y.shape.num_elements();
  out->launches.push_back(std::move(l));
  return Status();
}

Status lower_lut(LowerContext& ctx, const Node& node, LoweredNode* out) {
  ODIN_ASSIGN_OR_RETURN(std::vector<uint8_t> table, q8_lookup_table(ctx.graph(), node));
  Launch l = unary_launch("q8_lut", ctx.graph(), node);
  l.operands.push_back(Operand::bytes(ctx.add_bytes(std::move(table))));
  l.arg(q8_lut_channels(ctx.graph(), node));
  out->launches.push_back(std::move(l));
  return Status();
}

constexpr ClOp kOps[] = {
    {OpType::kAdd, supports_q8, lower_binary},    {OpType::kSub, supports_q8, lower_binary},
    {OpType::kMul, supports_q8, lower_binary},    {OpType::kLogistic, supports_q8, lower_lut},
    {OpType::kTanh, supports_q8, lower_lut},      {OpType::kHardSwish, supports_q8, lower_lut},
    {OpType::kRelu, supports_q8, lower_lut},      {OpType::kRelu6, supports_q8, lower_lut},
    {OpType::kReluN1To1, supports_q8, lower_lut}, {OpType::kPrelu, supports_q8, lower_lut},
};

}  // namespace

std::span<const ClOp> cl_q8_elementwise_ops() {
  return kOps;
}

}  // namespace odin::cl
