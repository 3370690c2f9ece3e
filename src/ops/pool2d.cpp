// AVERAGE_POOL_2D / MAX_POOL_2D shape inference over NHWC.
#include "ops/pool2d.h"

#include "ops/infer_context.h"
#include "ops/window.h"

namespace odin {

Status infer_pool2d(InferContext& ctx) {
  ODIN_RETURN_IF_ERROR(ctx.expect_inputs(1, 1));
  ODIN_RETURN_IF_ERROR(ctx.expect_outputs(1));
  const Pool2DAttrs* a = node_attrs<Pool2DAttrs>(ctx);
  if (!a) return ctx.fail("missing pooling attributes");
  ODIN_RETURN_IF_ERROR(ctx.expect_rank(0, 4));
  ODIN_RETURN_IF_ERROR(ctx.expect_dtype(0, DType::kF32));
  ODIN_RETURN_IF_ERROR(check_window_attrs(ctx, a->stride_h, a->stride_w, 1, 1));
  const Shape& in = ctx.input_shape(0);
  ODIN_ASSIGN_OR_RETURN(const int64_t out_h, window_out_size(ctx, "height", a->padding, in[1],
                                                             a->filter_h, a->stride_h, 1));
  ODIN_ASSIGN_OR_RETURN(const int64_t out_w, window_out_size(ctx, "width", a->padding, in[2],
                                                             a->filter_w, a->stride_w, 1));
  Shape out({in[0], out_h, out_w, in[3]});
  ODIN_RETURN_IF_ERROR(check_output_size(ctx, out));
  ctx.set_output(0, DType::kF32, std::move(out));
  return Status();
}

}  // namespace odin
