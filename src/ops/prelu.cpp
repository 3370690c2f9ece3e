#include "ops/broadcast.h"
#include "ops/infer_context.h"
#include "ops/op_def.h"
#include "ops/quantized.h"

namespace odin {

static Status infer_prelu(InferContext& ctx) {
  ODIN_RETURN_IF_ERROR(ctx.expect_inputs(2, 2));
  ODIN_RETURN_IF_ERROR(ctx.expect_outputs(1));
  const DType dtype = ctx.input(0).dtype;
  if (is_affine_dtype(dtype)) {  // int8/uint8 input and alpha, each per tensor
    ODIN_RETURN_IF_ERROR(ctx.expect_dtype(1, dtype));
    ODIN_RETURN_IF_ERROR(check_affine_io(ctx, 0));
    ODIN_RETURN_IF_ERROR(check_affine_io(ctx, 1));
  } else {
    ODIN_RETURN_IF_ERROR(ctx.expect_dtype(0, DType::kF32));
    ODIN_RETURN_IF_ERROR(ctx.expect_dtype(1, DType::kF32));
  }
  // TFLite broadcasts input and alpha against each other (prelu.cc), so the
  // output takes the broadcast shape; in practice that is the input's shape.
  Shape out;
  if (!broadcast_shapes(ctx.input_shape(0), ctx.input_shape(1), &out))
    return ctx.fail("alpha shape ", ctx.input_shape(1).str(), " does not broadcast to input shape ",
                    ctx.input_shape(0).str());
  if (out.is_static() && out.num_elements() < 0)
    return ctx.fail("output shape ", out.str(), " is too large");
  ctx.set_output(0, is_affine_dtype(dtype) ? dtype : DType::kF32, std::move(out));
  return Status();
}

namespace ref {
Status prelu_node(const KernelArgs& args);  // kernels/reference/prelu.cpp
}

ODIN_DEFINE_OP(kPrelu, .infer = infer_prelu, .reference = ref::prelu_node,
               .output_reuse = OutputReuse::kElementwise, .binary_fn = BinaryFn::kPrelu);

}  // namespace odin
