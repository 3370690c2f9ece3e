#include "ops/unary.h"

#include "ops/infer_context.h"

namespace odin {

Status infer_unary(InferContext& ctx) {
  ODIN_RETURN_IF_ERROR(ctx.expect_inputs(1, 1));
  ODIN_RETURN_IF_ERROR(ctx.expect_outputs(1));
  ODIN_RETURN_IF_ERROR(ctx.expect_dtype(0, DType::kF32));
  const OpType op = ctx.node().op;
  if (op == OpType::kLeakyRelu && !std::holds_alternative<LeakyReluAttrs>(ctx.node().attrs))
    return ctx.fail("missing LEAKY_RELU attributes (alpha)");
  if (op == OpType::kGelu && !std::holds_alternative<GeluAttrs>(ctx.node().attrs))
    return ctx.fail("missing GELU attributes (approximate)");
  ctx.set_output(0, DType::kF32, ctx.input_shape(0));
  return Status();
}

}  // namespace odin
