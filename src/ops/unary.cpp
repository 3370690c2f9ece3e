// Elementwise unary ops: LOGISTIC, RELU, RELU_N1_TO_1, RELU6, TANH,
// HARD_SWISH, LEAKY_RELU, RSQRT, GELU. Each computes one UnaryFn
// (core/elementwise_fns.h); the RELU family may fold into its producer's
// fused activation.
#include "ops/infer_context.h"
#include "ops/op_def.h"
#include "ops/quantized.h"

namespace odin {
namespace ref {
Status unary_node(const KernelArgs& args);  // kernels/reference/unary.cpp
}

namespace {

Status infer_unary(InferContext& ctx) {
  ODIN_RETURN_IF_ERROR(ctx.expect_inputs(1, 1));
  ODIN_RETURN_IF_ERROR(ctx.expect_outputs(1));
  const OpType op = ctx.node().op;
  const DType dtype = ctx.input(0).dtype;
  if (is_affine_dtype(dtype) &&
      (op == OpType::kLogistic || op == OpType::kTanh || op == OpType::kHardSwish ||
       op == OpType::kRelu || op == OpType::kRelu6 || op == OpType::kReluN1To1)) {
    // int8/uint8: a table of the 256 inputs; the output's quantization is the
    // model's (a RELU that keeps its input's, as odin's quantizer writes it,
    // is then exact: TFLite's requantization by 1.0 changes nothing).
    ODIN_RETURN_IF_ERROR(check_affine_io(ctx, 0));
    ctx.set_output(0, dtype, ctx.input_shape(0));
    return Status();
  }
  ODIN_RETURN_IF_ERROR(ctx.expect_dtype(0, DType::kF32));
  if (op == OpType::kLeakyRelu && !std::holds_alternative<LeakyReluAttrs>(ctx.node().attrs))
    return ctx.fail("missing LEAKY_RELU attributes (alpha)");
  if (op == OpType::kGelu && !std::holds_alternative<GeluAttrs>(ctx.node().attrs))
    return ctx.fail("missing GELU attributes (approximate)");
  ctx.set_output(0, DType::kF32, ctx.input_shape(0));
  return Status();
}

template <UnaryFn kFn>
UnaryFn fixed(const OpAttrs&) {
  return kFn;
}

UnaryFn gelu_fn(const OpAttrs& attrs) {
  const auto* a = std::get_if<GeluAttrs>(&attrs);
  return a && a->approximate ? UnaryFn::kGeluTanh : UnaryFn::kGelu;
}

}  // namespace

#define ODIN_UNARY_OP(id, fn, ...)                                                    \
  ODIN_DEFINE_OP(id, .infer = infer_unary, .reference = ref::unary_node, __VA_ARGS__, \
                 .output_reuse = OutputReuse::kElementwise, .unary_fn = fn)

ODIN_UNARY_OP(kLogistic, fixed<UnaryFn::kLogistic>, .as_fused_activation = Activation::kNone);
ODIN_UNARY_OP(kRelu, fixed<UnaryFn::kRelu>, .as_fused_activation = Activation::kRelu);
ODIN_UNARY_OP(kReluN1To1, fixed<UnaryFn::kReluN1To1>,
              .as_fused_activation = Activation::kReluN1To1);
ODIN_UNARY_OP(kRelu6, fixed<UnaryFn::kRelu6>, .as_fused_activation = Activation::kRelu6);
ODIN_UNARY_OP(kTanh, fixed<UnaryFn::kTanh>, .as_fused_activation = Activation::kNone);
ODIN_UNARY_OP(kHardSwish, fixed<UnaryFn::kHardSwish>, .as_fused_activation = Activation::kNone);
ODIN_UNARY_OP(kLeakyRelu, fixed<UnaryFn::kLeakyRelu>, .as_fused_activation = Activation::kNone);
ODIN_UNARY_OP(kRsqrt, fixed<UnaryFn::kRsqrt>, .as_fused_activation = Activation::kNone);
ODIN_UNARY_OP(kGelu, gelu_fn, .as_fused_activation = Activation::kNone);

#undef ODIN_UNARY_OP

}  // namespace odin
