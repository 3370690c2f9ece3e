// SOFTMAX shape inference: same shape as the input, over its last axis.
#include "ops/softmax.h"

#include "ops/infer_context.h"
#include "ops/window.h"

namespace odin {

Status infer_softmax(InferContext& ctx) {
  ODIN_RETURN_IF_ERROR(ctx.expect_inputs(1, 1));
  ODIN_RETURN_IF_ERROR(ctx.expect_outputs(1));
  if (!node_attrs<SoftmaxAttrs>(ctx)) return ctx.fail("missing SOFTMAX attributes");
  ODIN_RETURN_IF_ERROR(ctx.expect_dtype(0, DType::kF32));
  const Shape& in = ctx.input_shape(0);
  if (in.rank() < 1) return ctx.fail("input must have rank >= 1, is a scalar");
  ctx.set_output(0, DType::kF32, in);
  return Status();
}

}  // namespace odin
