// AVERAGE_POOL_2D / MAX_POOL_2D shape inference over NHWC: float32, or
// int8/uint8 with the output in the input's quantization.
#include "ops/infer_context.h"
#include "ops/op_def.h"
#include "ops/quantized.h"
#include "ops/window.h"
#include "ops/work.h"

namespace odin {

static Status infer_pool2d(InferContext& ctx) {
  ODIN_RETURN_IF_ERROR(ctx.expect_inputs(1, 1));
  ODIN_RETURN_IF_ERROR(ctx.expect_outputs(1));
  const Pool2DAttrs* a = node_attrs<Pool2DAttrs>(ctx);
  if (!a) return ctx.fail("missing pooling attributes");
  ODIN_RETURN_IF_ERROR(ctx.expect_rank(0, 4));
  const DType dtype = ctx.input(0).dtype;
  if (is_affine_dtype(dtype)) {
    ODIN_RETURN_IF_ERROR(check_same_table(ctx, 0));
  } else {
    ODIN_RETURN_IF_ERROR(ctx.expect_dtype(0, DType::kF32));
  }
  ODIN_RETURN_IF_ERROR(check_window_attrs(ctx, a->stride_h, a->stride_w, 1, 1));
  const Shape& in = ctx.input_shape(0);
  ODIN_ASSIGN_OR_RETURN(const int64_t out_h, window_out_size(ctx, "height", a->padding, in[1],
                                                             a->filter_h, a->stride_h, 1));
  ODIN_ASSIGN_OR_RETURN(const int64_t out_w, window_out_size(ctx, "width", a->padding, in[2],
                                                             a->filter_w, a->stride_w, 1));
  Shape out({in[0], out_h, out_w, in[3]});
  ODIN_RETURN_IF_ERROR(check_output_size(ctx, out));
  ctx.set_output(0, is_affine_dtype(dtype) ? dtype : DType::kF32, std::move(out));
  return Status();
}

namespace ref {
Status average_pool2d_node(const KernelArgs& args);  // kernels/reference/pool2d.cpp
Status max_pool2d_node(const KernelArgs& args);
}  // namespace ref

// Window steps: out * the window clipped to the input (not multiply-adds).
static int64_t pool2d_work(const Graph& g, const Node& n) {
  const auto* a = std::get_if<Pool2DAttrs>(&n.attrs);
  if (!a) return -1;
  const int64_t fh =
      std::min<int64_t>(a->filter_h, std::max<int64_t>(work::dim(g, n.inputs[0], 1), 0));
  const int64_t fw =
      std::min<int64_t>(a->filter_w, std::max<int64_t>(work::dim(g, n.inputs[0], 2), 0));
  return work::mul(work::elements(g, n.outputs[0]), work::mul(fh, fw));
}

ODIN_DEFINE_OP(kAveragePool2D, .infer = infer_pool2d, .reference = ref::average_pool2d_node,
               .work = pool2d_work);
ODIN_DEFINE_OP(kMaxPool2D, .infer = infer_pool2d, .reference = ref::max_pool2d_node,
               .work = pool2d_work);

}  // namespace odin
