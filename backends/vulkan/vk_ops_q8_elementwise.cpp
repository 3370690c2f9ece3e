// Elementwise ops on int8/uint8 (storage and arithmetic in vk_quant.h):
// ADD, SUB, MUL with TFLite's integer rescaling on q8_binary.comp; LOGISTIC,
// TANH, HARD_SWISH and the RELUs through a 256-entry table on q8_lut.comp,
// PRELU through one per channel, the tables computed by the op's reference
// kernel over every input byte, so they are the reference's by construction.
#include <vector>

#include "backends/vulkan/vk_quant.h"
#include "ops/op_def.h"

namespace odin::vk {
namespace {

// Inputs and output per tensor, all of one dtype.
Support same_dtype_per_tensor(const Graph& g, const Node& node) {
  const DType t = g.value(node.outputs[0]).dtype;
  for (const auto* list : {&node.inputs, &node.outputs})
    for (ValueId v : *list)
      if (v == kNoValue || !is_per_tensor_affine(g.value(v)) || g.value(v).dtype != t)
        return decline(node, "on int8/uint8 needs every tensor of one dtype, quantized per tensor");
  return Support::yes();
}

Support supports_binary(const Graph& g, const Node& node) {
  if (node.inputs.size() != 2) return decline(node, "needs two inputs");
  if (Support s = same_dtype_per_tensor(g, node); !s.ok) return s;
  const Shape& out = g.value(node.outputs[0]).shape;
  if (out.rank() > 4)
    return decline(node, str_cat("of rank ", out.rank(), " not supported (max 4)"));
  if (const auto* a = std::get_if<BinaryAttrs>(&node.attrs); !a || a->operand_pad.active())
    return decline(node, "on int8/uint8 with a padded operand not supported");
  return Support::yes();
}

Status lower_binary(LowerContext& ctx, const Node& node, LoweredNode* out) {
  const Graph& g = ctx.graph();
  const Value& a = g.value(node.inputs[0]);
  const Value& b = g.value(node.inputs[1]);
  const Value& y = g.value(node.outputs[0]);
  const BinaryFn fn = op_def(node.op).binary_fn;
  const float sa = scale_of(*a.quant, 0), sb = scale_of(*b.quant, 0), sy = scale_of(*y.quant, 0);
  Dispatch d;
  d.kernel = "q8_binary";
  d.spec = {signed_spec(y.dtype), static_cast<int32_t>(fn)};
  for (int64_t v : dims4(y.shape)) d.push_int(v);
  for (int64_t v : broadcast_strides4(a.shape, y.shape)) d.push_int(v);
  for (int64_t v : broadcast_strides4(b.shape, y.shape)) d.push_int(v);
  for (int64_t v : {y.shape.num_elements(), int64_t{zero_of(a)}, int64_t{zero_of(b)}})
    d.push_int(v);
  push_output_range(d, y, std::get<BinaryAttrs>(node.attrs).activation);
  if (fn == BinaryFn::kMul) {
    // As the reference kernel (kernels/reference/binary.cpp), in double.
    push_multiplier(d, quantize_multiplier(static_cast<double>(sa) * static_cast<double>(sb) /
                                           static_cast<double>(sy)));
    for (int i = 0; i < 4; ++i) d.push_int(0);
  } else {
    const AffineAddition add = affine_addition(sa, sb, sy);
    for (FixedPointMultiplier m : {add.a, add.b, add.out}) push_multiplier(d, m);
  }
  d.bindings = {Operand::value(node.outputs[0]), q8_operand(ctx, node.inputs[0]),
                q8_operand(ctx, node.inputs[1])};
  set_word_invocations(d, y.shape.num_elements());
  out->dispatches.push_back(std::move(d));
  return Status();
}

Support supports_binary_fn(const Graph& g, const Node& node) {
  const BinaryFn fn = op_def(node.op).binary_fn;
  if (fn != BinaryFn::kAdd && fn != BinaryFn::kSub && fn != BinaryFn::kMul)
    return decline(node, "on int8/uint8 tensors not supported");
  return supports_binary(g, node);
}

Support supports_lut(const Graph& g, const Node& node) {
  if (node.inputs.size() != 1) return decline(node, "needs one input");
  const Value& x = g.value(node.inputs[0]);
  const Value& y = g.value(node.outputs[0]);
  if (!is_per_tensor_affine(x) || !is_per_tensor_affine(y) || x.dtype != y.dtype)
    return decline(node, "on int8/uint8 needs input and output of one dtype, quantized per tensor");
  return Support::yes();
}

// PRELU's alpha: a constant of one value, or of one per channel along the
// last axis; the number of tables (0: neither).
int64_t prelu_tables(const Graph& g, const Node& node) {
  if (node.inputs.size() != 2) return 0;
  const Value& alpha = g.value(node.inputs[1]);
  const Shape& out = g.value(node.outputs[0]).shape;
  if (!alpha.is_constant() || !alpha.shape.is_static() || out.rank() == 0 ||
      g.value(node.inputs[0]).shape != out)
    return 0;
  const int64_t n = alpha.shape.num_elements(), c = out[out.rank() - 1];
  if (n == 1) return 1;
  const size_t r = alpha.shape.rank();
  return n == c && r >= 1 && r <= out.rank() && alpha.shape[r - 1] == c ? c : 0;
}

// Tables of at most this many channels (256 bytes each) in one buffer.
constexpr int64_t kMaxTables = 4096;

Support supports_prelu(const Graph& g, const Node& node) {
  if (Support s = same_dtype_per_tensor(g, node); !s.ok) return s;
  const int64_t tables = prelu_tables(g, node);
  if (tables == 0)
    return decline(node, "on int8/uint8 needs a constant alpha of one value or one per channel");
  if (tables > kMaxTables)
    return decline(node,
                   str_cat("on int8/uint8 with ", tables, " channels (max ", kMaxTables, ")"));
  return Support::yes();
}

// table[b * channels + c]: the output byte for input byte b in channel c,
// by the node's reference kernel (PRELU: every byte of every channel).
Result<std::vector<uint8_t>> lookup_table(const Graph& g, const Node& node, int64_t channels) {
  std::vector<uint8_t> in(static_cast<size_t>(256 * channels));
  std::vector<uint8_t> table(in.size());
  for (size_t i = 0; i < in.size(); ++i) in[i] = static_cast<uint8_t>(i / channels);
  const Shape shape({256, channels});
  std::vector<ConstTensorView> inputs = {{g.value(node.inputs[0]).dtype, shape, in.data()}};
  if (node.op == OpType::kPrelu) {
    const Value& alpha = g.value(node.inputs[1]);
    inputs.push_back({alpha.dtype, Shape({channels}), alpha.data});
  }
  const TensorView y{g.value(node.outputs[0]).dtype, shape, table.data()};
  ODIN_RETURN_IF_ERROR(run_reference(g, node, inputs, std::span(&y, 1)));
  return table;
}

Status lower_lut(LowerContext& ctx, const Node& node, LoweredNode* out) {
  const int64_t channels = node.op == OpType::kPrelu ? prelu_tables(ctx.graph(), node) : int64_t{1};
  ODIN_ASSIGN_OR_RETURN(std::vector<uint8_t> table, lookup_table(ctx.graph(), node, channels));
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
    {OpType::kAdd, supports_binary_fn, lower_binary},
    {OpType::kSub, supports_binary_fn, lower_binary},
    {OpType::kMul, supports_binary_fn, lower_binary},
    {OpType::kLogistic, supports_lut, lower_lut},
    {OpType::kTanh, supports_lut, lower_lut},
    {OpType::kHardSwish, supports_lut, lower_lut},
    {OpType::kRelu, supports_lut, lower_lut},
    {OpType::kRelu6, supports_lut, lower_lut},
    {OpType::kReluN1To1, supports_lut, lower_lut},
    {OpType::kPrelu, supports_prelu, lower_lut},
};

}  // namespace

std::span<const VkOp> vk_q8_elementwise_ops() {
  return kOps;
}

}  // namespace odin::vk
