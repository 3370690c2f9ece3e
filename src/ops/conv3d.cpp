// CONV_3D shape inference: NDHWC input, DHWIO filter [kd, kh, kw, in_c,
// out_c] (TFLite's layout), optional bias [out_c], float32; the output
// [n, out_d, out_h, out_w, out_c] by TFLite's SAME / VALID rules per axis.
#include "ops/conv3d_geometry.h"
#include "ops/infer_context.h"
#include "ops/op_def.h"
#include "ops/window.h"
#include "ops/work.h"

namespace odin {

static Status infer_conv3d(InferContext& ctx) {
  ODIN_RETURN_IF_ERROR(ctx.expect_inputs(2, 3));
  ODIN_RETURN_IF_ERROR(ctx.expect_outputs(1));
  const Conv3DAttrs* a = node_attrs<Conv3DAttrs>(ctx);
  if (!a) return ctx.fail("missing CONV_3D attributes");
  ODIN_RETURN_IF_ERROR(ctx.expect_rank(0, 5));
  ODIN_RETURN_IF_ERROR(ctx.expect_rank(1, 5));
  ODIN_RETURN_IF_ERROR(ctx.expect_dtype(0, DType::kF32));
  ODIN_RETURN_IF_ERROR(ctx.expect_dtype(1, DType::kF32));
  ODIN_RETURN_IF_ERROR(ctx.expect_static(1));
  if (a->stride_d < 1 || a->stride_h < 1 || a->stride_w < 1)
    return ctx.fail("strides must be >= 1, got ", a->stride_d, "x", a->stride_h, "x", a->stride_w);
  if (a->dilation_d < 1 || a->dilation_h < 1 || a->dilation_w < 1)
    return ctx.fail("dilations must be >= 1, got ", a->dilation_d, "x", a->dilation_h, "x",
                    a->dilation_w);
  if (a->padding == Padding::kExplicit) return ctx.fail("explicit padding is not supported");
  const Shape& in = ctx.input_shape(0);
  const Shape& f = ctx.input_shape(1);
  const int64_t out_c = f[4];
  if (out_c < 1) return ctx.fail("filter ", f.str(), " has no output channels");
  if (in[4] == kDynamicDim)
    return ctx.unsupported("input channels must be static, input is ", in.str());
  if (in[4] != f[3])
    return ctx.fail("input channels ", in[4], " (input ", in.str(),
                    ") differ from the filter's input channels ", f[3], " (filter ", f.str(), ")");
  if (ctx.has_input(2)) {
    ODIN_RETURN_IF_ERROR(ctx.expect_dtype(2, DType::kF32));
    const Shape& b = ctx.input_shape(2);
    if (b.rank() != 1 || b[0] != out_c)
      return ctx.fail("bias shape ", b.str(), " does not match the filter's ", out_c,
                      " output channels");
  }
  ODIN_ASSIGN_OR_RETURN(const int64_t out_d, window_out_size(ctx, "depth", a->padding, in[1], f[0],
                                                             a->stride_d, a->dilation_d));
  ODIN_ASSIGN_OR_RETURN(const int64_t out_h, window_out_size(ctx, "height", a->padding, in[2], f[1],
                                                             a->stride_h, a->dilation_h));
  ODIN_ASSIGN_OR_RETURN(const int64_t out_w, window_out_size(ctx, "width", a->padding, in[3], f[2],
                                                             a->stride_w, a->dilation_w));
  Shape out({in[0], out_d, out_h, out_w, out_c});
  ODIN_RETURN_IF_ERROR(check_output_size(ctx, out));
  ctx.set_output(0, DType::kF32, std::move(out));
  return Status();
}

namespace ref {
Status conv3d_node(const KernelArgs& args);  // kernels/reference/conv3d.cpp
}

// MACs: out * kd * kh * kw * input channels.
static int64_t conv3d_work(const Graph& g, const Node& n) {
  const ValueId f = n.inputs[1];
  return work::mul(work::elements(g, n.outputs[0]),
                   work::mul(work::mul(work::dim(g, f, 0), work::dim(g, f, 1)),
                             work::mul(work::dim(g, f, 2), work::dim(g, f, 3))));
}

static Activation* conv3d_activation(OpAttrs& attrs) {
  auto* a = std::get_if<Conv3DAttrs>(&attrs);
  return a ? &a->activation : nullptr;
}

ODIN_DEFINE_OP(kConv3D, .infer = infer_conv3d, .reference = ref::conv3d_node, .work = conv3d_work,
               .macs_are_flops = true, .activation_slot = conv3d_activation);

}  // namespace odin
