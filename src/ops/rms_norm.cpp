// RMS_NORM shape inference: x [..., d] (float32) and weight [d] give x's
// shape; each row is scaled by 1 / sqrt(mean(row^2) + epsilon), then by
// the weight (Llama's and Qwen's normalization).
#include "ops/infer_context.h"
#include "ops/op_def.h"
#include "ops/window.h"

namespace odin {

static Status infer_rms_norm(InferContext& ctx) {
  ODIN_RETURN_IF_ERROR(ctx.expect_inputs(2, 2));
  ODIN_RETURN_IF_ERROR(ctx.expect_outputs(1));
  const RmsNormAttrs* a = node_attrs<RmsNormAttrs>(ctx);
  if (!a) return ctx.fail("missing RMS_NORM attributes");
  if (!(a->epsilon >= 0.0f)) return ctx.fail("epsilon ", a->epsilon, " must be >= 0");
  ODIN_RETURN_IF_ERROR(ctx.expect_dtype(0, DType::kF32));
  ODIN_RETURN_IF_ERROR(ctx.expect_dtype(1, DType::kF32));
  ODIN_RETURN_IF_ERROR(ctx.expect_rank(1, 1));
  const Shape& x = ctx.input_shape(0);
  const Shape& w = ctx.input_shape(1);
  if (x.rank() < 1 || x[x.rank() - 1] != w[0])
    return ctx.fail("weight ", w.str(), " must match the last dim of input ", x.str());
  ctx.set_output(0, DType::kF32, x);
  return Status();
}

namespace ref {
Status rms_norm_node(const KernelArgs& args);  // kernels/reference/rms_norm.cpp
}

ODIN_DEFINE_OP(kRmsNorm, .infer = infer_rms_norm, .reference = ref::rms_norm_node,
               .output_reuse = OutputReuse::kElementwise);

}  // namespace odin
