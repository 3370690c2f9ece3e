// ADD, SUB, MUL, DIV (with a fused activation) and SQUARED_DIFFERENCE
// (without one): elementwise with TFLite (numpy) broadcasting. A zero PAD of one operand may fold
// into the op (BinaryAttrs::operand_pad): it then reads that operand unpadded.
#include "ops/broadcast.h"
#include "ops/infer_context.h"
#include "ops/op_def.h"
#include "ops/quantized.h"

namespace odin {
namespace ref {
Status binary_node(const KernelArgs& args);  // kernels/reference/binary.cpp
}

namespace {

// The shape operand i presents to the op: its own, or padded.
Result<Shape> operand_shape(InferContext& ctx, const BinaryAttrs& a, size_t i) {
  const Shape& s = ctx.input_shape(i);
  const OperandPad& p = a.operand_pad;
  if (!p.active() || static_cast<size_t>(p.input) != i) return s;
  if (s.rank() > 4) return ctx.fail("padded operand ", i, " has rank ", s.rank(), " (max 4)");
  Shape out = s;
  for (size_t d = 0; d < s.rank(); ++d) {
    const int64_t before = p.before[4 - s.rank() + d], after = p.after[4 - s.rank() + d];
    if (before < 0 || after < 0 || before > kMaxTensorElements || after > kMaxTensorElements)
      return ctx.fail("operand padding (", before, ",", after, ") of dim ", d, " is out of range");
    if (out[d] >= 0) out[d] += before + after;
  }
  return out;
}

Status infer_binary(InferContext& ctx) {
  ODIN_RETURN_IF_ERROR(ctx.expect_inputs(2, 2));
  ODIN_RETURN_IF_ERROR(ctx.expect_outputs(1));
  const auto* attrs = std::get_if<BinaryAttrs>(&ctx.node().attrs);
  if (!attrs) return ctx.fail("missing elementwise attributes");
  const Value& a = ctx.input(0);
  const Value& b = ctx.input(1);
  if (a.dtype != b.dtype)
    return ctx.fail("inputs have different dtypes: ", dtype_name(a.dtype), " and ",
                    dtype_name(b.dtype));
  const OpType op = ctx.node().op;
  const bool affine_op = op == OpType::kAdd || op == OpType::kSub || op == OpType::kMul;
  if (is_affine_dtype(a.dtype) && affine_op) {
    // int8/uint8 with per-tensor tables (quantized.h); the output's from the model.
    ODIN_RETURN_IF_ERROR(check_affine_io(ctx, 0));
    ODIN_RETURN_IF_ERROR(check_affine_io(ctx, 1));
    if (attrs->activation == Activation::kTanh || attrs->activation == Activation::kSignBit)
      return ctx.unsupported("fused activation ", activation_name(attrs->activation), " on ",
                             dtype_name(a.dtype));
  } else if (a.dtype != DType::kF32 && a.dtype != DType::kI32) {
    return ctx.unsupported(
        "dtype ", dtype_name(a.dtype),
        affine_op ? " (float32, int32, int8 and uint8 only)" : " (float32 and int32 only)");
  }
  const Activation act = attrs->activation;
  if (a.dtype == DType::kI32 && (act == Activation::kTanh || act == Activation::kSignBit))
    return ctx.unsupported("fused activation ", activation_name(act), " on int32");
  if (attrs->operand_pad.input > 1) return ctx.fail("padded operand index out of range");
  ODIN_ASSIGN_OR_RETURN(const Shape sa, operand_shape(ctx, *attrs, 0));
  ODIN_ASSIGN_OR_RETURN(const Shape sb, operand_shape(ctx, *attrs, 1));
  Shape out;
  if (!broadcast_shapes(sa, sb, &out))
    return ctx.fail("input shapes ", sa.str(), " and ", sb.str(), " do not broadcast");
  if (out.is_static() && out.num_elements() < 0)
    return ctx.fail("output shape ", out.str(), " is too large");
  ctx.set_output(0, a.dtype, std::move(out));
  return Status();
}

Activation* binary_activation(OpAttrs& attrs) {
  auto* a = std::get_if<BinaryAttrs>(&attrs);
  return a ? &a->activation : nullptr;
}

// A zero PAD of one operand (rank <= 4) whose padded shape is the output's
// (no broadcasting of the padded operand), when no operand is padded yet.
bool binary_absorb_pad(const Graph& g, Node& n, size_t input, const PadAmounts& pad) {
  auto* a = std::get_if<BinaryAttrs>(&n.attrs);
  if (!a || a->operand_pad.active() || input > 1 || n.inputs.size() != 2) return false;
  // A quantized operand's padding is its zero point, not the zero bytes the fold reads.
  if (is_affine_dtype(g.value(n.inputs[input]).dtype)) return false;
  if (n.inputs[0] == n.inputs[1]) return false;
  const size_t rank = pad.before.size();
  if (rank > 4 || pad.after.size() != rank) return false;
  if (g.value(n.inputs[input]).shape != g.value(n.outputs[0]).shape) return false;
  OperandPad p;
  p.input = static_cast<int32_t>(input);
  for (size_t d = 0; d < rank; ++d) {
    p.before[4 - rank + d] = pad.before[d];
    p.after[4 - rank + d] = pad.after[d];
  }
  a->operand_pad = p;
  return true;
}

}  // namespace

#define ODIN_BINARY_OP(id, fn)                                                          \
  ODIN_DEFINE_OP(id, .infer = infer_binary, .reference = ref::binary_node,              \
                 .activation_slot = binary_activation, .absorb_pad = binary_absorb_pad, \
                 .output_reuse = OutputReuse::kElementwise, .binary_fn = BinaryFn::fn)

ODIN_BINARY_OP(kAdd, kAdd);
ODIN_BINARY_OP(kSub, kSub);
ODIN_BINARY_OP(kMul, kMul);
ODIN_BINARY_OP(kDiv, kDiv);

#undef ODIN_BINARY_OP

// TFLite's SQUARED_DIFFERENCE has no fused activation: nothing folds into it.
ODIN_DEFINE_OP(kSquaredDifference, .infer = infer_binary, .reference = ref::binary_node,
               .absorb_pad = binary_absorb_pad, .output_reuse = OutputReuse::kElementwise,
               .binary_fn = BinaryFn::kSquaredDifference);

}  // namespace odin
