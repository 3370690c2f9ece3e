// ROPE shape inference: rows x [n, heads * head_dim] (float32) and their
// positions [n] (int32) give x's shape, each head rotated by its row's
// position (rotary position embedding; Llama pairs adjacent values, NeoX
// and Qwen2 pair value i with i + n_rot / 2).
#include "ops/infer_context.h"
#include "ops/op_def.h"
#include "ops/window.h"

namespace odin {

static Status infer_rope(InferContext& ctx) {
  ODIN_RETURN_IF_ERROR(ctx.expect_inputs(2, 2));
  ODIN_RETURN_IF_ERROR(ctx.expect_outputs(1));
  const RopeAttrs* a = node_attrs<RopeAttrs>(ctx);
  if (!a) return ctx.fail("missing ROPE attributes");
  if (a->head_dim < 2 || a->n_rot < 2 || a->n_rot > a->head_dim || a->n_rot % 2 != 0)
    return ctx.fail("head_dim ", a->head_dim, " and n_rot ", a->n_rot,
                    " must be >= 2 with n_rot even and <= head_dim");
  if (!(a->theta_base > 0.0f)) return ctx.fail("theta base ", a->theta_base, " must be > 0");
  ODIN_RETURN_IF_ERROR(ctx.expect_dtype(0, DType::kF32));
  ODIN_RETURN_IF_ERROR(ctx.expect_rank(0, 2));
  ODIN_RETURN_IF_ERROR(ctx.expect_dtype(1, DType::kI32));
  ODIN_RETURN_IF_ERROR(ctx.expect_rank(1, 1));
  const Shape& x = ctx.input_shape(0);
  if (x[1] == kDynamicDim || x[1] % a->head_dim != 0)
    return ctx.fail("input ", x.str(), " is not a whole number of heads of ", a->head_dim);
  if (x[0] != ctx.input_shape(1)[0])
    return ctx.fail("positions ", ctx.input_shape(1).str(), " must have one per row of ", x.str());
  ctx.set_output(0, DType::kF32, x);
  return Status();
}

namespace ref {
Status rope_node(const KernelArgs& args);  // kernels/reference/rope.cpp
}

ODIN_DEFINE_OP(kRope, .infer = infer_rope, .reference = ref::rope_node,
               .output_reuse = OutputReuse::kElementwise);

}  // namespace odin
