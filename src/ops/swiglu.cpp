// SWIGLU shape inference: the gated FFN's activation, silu(gate) * up, of
// two float32 tensors of one shape (Llama's and Qwen's feed-forward).
#include "ops/infer_context.h"
#include "ops/op_def.h"

namespace odin {

static Status infer_swiglu(InferContext& ctx) {
  ODIN_RETURN_IF_ERROR(ctx.expect_inputs(2, 2));
  ODIN_RETURN_IF_ERROR(ctx.expect_outputs(1));
  ODIN_RETURN_IF_ERROR(ctx.expect_dtype(0, DType::kF32));
  ODIN_RETURN_IF_ERROR(ctx.expect_dtype(1, DType::kF32));
  if (ctx.input_shape(0) != ctx.input_shape(1))
    return ctx.fail("gate ", ctx.input_shape(0).str(), " and up ", ctx.input_shape(1).str(),
                    " must have one shape");
  ctx.set_output(0, DType::kF32, ctx.input_shape(0));
  return Status();
}

namespace ref {
Status swiglu_node(const KernelArgs& args);  // kernels/reference/swiglu.cpp
}

ODIN_DEFINE_OP(kSwiglu, .infer = infer_swiglu, .reference = ref::swiglu_node,
               .output_reuse = OutputReuse::kElementwise);

}  // namespace odin
