// SOFTMAX shape inference: same shape as the input, over its last axis;
// float32, or int8/uint8 with the model's output quantization.
#include "ops/infer_context.h"
#include "ops/op_def.h"
#include "ops/quantized.h"
#include "ops/window.h"

namespace odin {

static Status infer_softmax(InferContext& ctx) {
  ODIN_RETURN_IF_ERROR(ctx.expect_inputs(1, 1));
  ODIN_RETURN_IF_ERROR(ctx.expect_outputs(1));
  if (!node_attrs<SoftmaxAttrs>(ctx)) return ctx.fail("missing SOFTMAX attributes");
  const DType dtype = ctx.input(0).dtype;
  if (is_affine_dtype(dtype))
    ODIN_RETURN_IF_ERROR(check_affine_io(ctx, 0));  // the output's table is the model's
  else
    ODIN_RETURN_IF_ERROR(ctx.expect_dtype(0, DType::kF32));
  const Shape& in = ctx.input_shape(0);
  if (in.rank() < 1) return ctx.fail("input must have rank >= 1, is a scalar");
  ctx.set_output(0, is_affine_dtype(dtype) ? dtype : DType::kF32, in);
  return Status();
}

namespace ref {
Status softmax_node(const KernelArgs& args);  // kernels/reference/softmax.cpp
}

ODIN_DEFINE_OP(kSoftmax, .infer = infer_softmax, .reference = ref::softmax_node);

}  // namespace odin
