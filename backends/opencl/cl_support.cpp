// The checks every op shares, and the op table.
#include <array>

#include "backends/opencl/cl_lower.h"
#include "core/const_data.h"
#include "ops/q8_gpu.h"
#include "quant/fp16.h"

namespace odin::cl {
namespace {

// Run-time tensors the kernels address: float32, int8 or uint8 (the
// quantized entries check the combination; int32 inputs of entries with
// int32_inputs), static, non-empty, and small enough for the kernels' 32-bit
// offsets.
Support check_value(const Graph& g, const Node& node, ValueId v, const ClOp& op, bool input) {
  if (v == kNoValue) return Support::yes();
  const Value& val = g.value(v);
  if (val.is_constant()) return Support::yes();
  if (val.persistent) return decline(node, "on persistent state not supported");
  const bool int32_ok = op.int32_inputs && input && val.dtype == DType::kI32;
  if (val.dtype != DType::kF32 && !is_affine_dtype(val.dtype) && !int32_ok)
    return decline(node, str_cat("on ", dtype_name(val.dtype),
                                 " tensors not supported (float32, int8 or uint8 only)"));
  if (!val.shape.is_static() || val.shape.has_symbols())
    return decline(node, "with dynamic shapes not supported");
  if (val.shape.num_elements() <= 0) return decline(node, "on empty tensors not supported");
  if (val.shape.num_elements() > INT32_MAX / 8)
    return decline(node, "on tensors over 2^28 elements not supported");
  return Support::yes();
}

}  // namespace

const ClOp* find_cl_op(OpType type, bool quantized) {
  using Table = std::array<const ClOp*, static_cast<size_t>(OpType::kCount)>;
  static const std::array<Table, 2> tables = [] {
    std::array<Table, 2> t{};
    for (auto family : {cl_elementwise_ops, cl_conv_ops, cl_data_ops})
      for (const ClOp& op : family()) t[0][static_cast<size_t>(op.type)] = &op;
    for (auto family : {cl_q8_conv_ops, cl_q8_elementwise_ops, cl_q8_data_ops})
      for (const ClOp& op : family()) t[1][static_cast<size_t>(op.type)] = &op;
    return t;
  }();
  const auto i = static_cast<size_t>(type);
  const Table& table = tables[quantized ? 1 : 0];
  return i < table.size() ? table[i] : nullptr;
}

Support opencl_supports(const Graph& g, const Node& node) {
  const bool quantized = is_quantized_node(g, node);
  const ClOp* op = find_cl_op(node.op, quantized);
  if (!op)
    return decline(node, quantized && find_cl_op(node.op, false)
                             ? "on int8/uint8 tensors not supported"
                             : "not supported");
  if (node.inputs.empty() || node.outputs.size() != 1)
    return decline(node, "needs inputs and exactly one output");
  bool all_constant = true;
  for (ValueId v : node.inputs)
    all_constant = all_constant && (v == kNoValue || g.value(v).is_constant());
  if (all_constant)
    return decline(node, "of constants only not supported (constant folding computes those)");
  for (const auto* list : {&node.inputs, &node.outputs})
    for (ValueId v : *list)
      if (Support s = check_value(g, node, v, *op, list == &node.inputs); !s.ok) return s;
  return op->supports ? op->supports(g, node) : Support::yes();
}

Support decline(const Node& node, const std::string& what) {
  return Support::no(str_cat("opencl: ", op_type_name(node.op), " ", what));
}

bool float_constant_or_absent(const Graph& graph, const Node& node, size_t i) {
  if (i >= node.inputs.size() || node.inputs[i] == kNoValue) return true;
  const Value& v = graph.value(node.inputs[i]);
  return v.is_constant() && (v.dtype == DType::kF32 || v.dtype == DType::kF16) &&
         v.shape.is_static();
}

std::vector<float> constant_floats(const LowerContext& ctx, ValueId v) {
  if (v == kNoValue) return {};
  return read_float_constant(ctx.graph().value(v)).value_or(std::vector<float>{});
}

Operand input_operand(LowerContext& ctx, ValueId v) {
  if (ctx.graph().value(v).is_constant())
    return Operand::weights(ctx.add_weights(constant_floats(ctx, v)));
  return Operand::value(v);
}

Operand int_operand(LowerContext& ctx, ValueId v) {
  const Value& val = ctx.graph().value(v);
  if (!val.is_constant()) return Operand::value(v);
  std::vector<int32_t> ints;
  for (int64_t x : read_int_constant(val).value_or(std::vector<int64_t>{}))
    ints.push_back(static_cast<int32_t>(x));
  return Operand::int_weights(ctx.add_int_weights(std::move(ints)));
}

Launch unary_launch(const char* kernel, const Graph& graph, const Node& node) {
  Launch l;
  l.kernel = kernel;
  l.operands = {Operand::value(node.outputs[0]), Operand::value(node.inputs[0])};
  l.work_items = graph.value(node.outputs[0]).shape.num_elements();
  return l;
}

}  // namespace odin::cl
