// CONV_2D shape inference: NHWC input, OHWI filter, optional bias [out_c].
// Grouped convolution (input channels a multiple of the filter's) is allowed,
// as in TFLite's reference Conv (groups = input_depth / filter_input_depth).
#include "ops/conv2d.h"

#include "ops/infer_context.h"
#include "ops/window.h"

namespace odin {

Status infer_conv2d(InferContext& ctx) {
  ODIN_RETURN_IF_ERROR(ctx.expect_inputs(2, 3));
  ODIN_RETURN_IF_ERROR(ctx.expect_outputs(1));
  const Conv2DAttrs* a = node_attrs<Conv2DAttrs>(ctx);
  if (!a) return ctx.fail("missing CONV_2D attributes");
  ODIN_RETURN_IF_ERROR(
      check_conv_inputs(ctx, a->stride_h, a->stride_w, a->dilation_h, a->dilation_w));
  const Shape& in = ctx.input_shape(0);
  const Shape& f = ctx.input_shape(1);
  const int64_t out_c = f[0], in_c = in[3], filter_ic = f[3];
  if (out_c < 1 || filter_ic < 1)
    return ctx.fail("filter ", f.str(), " must have at least one input and output channel");
  if (in_c == kDynamicDim)
    return ctx.unsupported("input channels must be static, input is ", in.str());
  if (in_c < 1 || in_c % filter_ic != 0)
    return ctx.fail("input channels ", in_c, " (input ", in.str(),
                    ") are not a multiple of the filter's input channels ", filter_ic, " (filter ",
                    f.str(), ")");
  const int64_t groups = in_c / filter_ic;
  if (out_c % groups != 0)
    return ctx.fail("filter output channels ", out_c, " are not divisible by the ", groups,
                    " groups implied by input channels ", in_c);
  if (ctx.has_input(2)) {
    ODIN_RETURN_IF_ERROR(ctx.expect_dtype(2, DType::kF32));
    const Shape& b = ctx.input_shape(2);
    if (b.rank() != 1 || b[0] != out_c)
      return ctx.fail("bias shape ", b.str(), " does not match the filter's ", out_c,
                      " output channels");
  }
  ODIN_ASSIGN_OR_RETURN(const int64_t out_h, window_out_size(ctx, "height", a->padding, in[1], f[1],
                                                             a->stride_h, a->dilation_h));
  ODIN_ASSIGN_OR_RETURN(const int64_t out_w, window_out_size(ctx, "width", a->padding, in[2], f[2],
                                                             a->stride_w, a->dilation_w));
  Shape out({in[0], out_h, out_w, out_c});
  ODIN_RETURN_IF_ERROR(check_output_size(ctx, out));
  ctx.set_output(0, DType::kF32, std::move(out));
  return Status();
}

}  // namespace odin
