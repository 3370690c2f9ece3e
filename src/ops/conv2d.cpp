// CONV_2D shape inference: NHWC input, OHWI filter, optional bias [out_c],
// an optional addend of the output's shape (a residual ADD fused in:
// OpDef::addend_input) and optional PRELU slopes per output channel (a PRELU
// fused in: OpDef::prelu_alpha_input); TFLite's CONV_2D has neither input.
// Grouped convolution (input channels a multiple of the filter's) is allowed,
// as in TFLite's reference Conv (groups = input_depth / filter_input_depth).
#include "ops/infer_context.h"
#include "ops/op_def.h"
#include "ops/window.h"
#include "ops/work.h"

namespace odin {

constexpr int kConvAddendInput = 3;
constexpr int kConvPreluAlphaInput = 4;

static Status infer_conv2d(InferContext& ctx) {
  ODIN_RETURN_IF_ERROR(ctx.expect_inputs(2, kConvPreluAlphaInput + 1));
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
  ODIN_RETURN_IF_ERROR(set_conv_output(ctx, *a, out_c, 0));  // OHWI: output channels first
  ODIN_RETURN_IF_ERROR(ctx.expect_addend(kConvAddendInput));
  return ctx.expect_prelu_alpha(kConvPreluAlphaInput);
}

namespace ref {
Status conv2d_node(const KernelArgs& args);  // kernels/reference/conv2d.cpp
}

// MACs: out * kh * kw * input channels per group.
static int64_t conv2d_work(const Graph& g, const Node& n) {
  const ValueId f = n.inputs[1];
  return work::mul(
      work::elements(g, n.outputs[0]),
      work::mul(work::mul(work::dim(g, f, 1), work::dim(g, f, 2)), work::dim(g, f, 3)));
}

static Activation* conv2d_activation(OpAttrs& attrs) {
  auto* a = std::get_if<Conv2DAttrs>(&attrs);
  return a ? &a->activation : nullptr;
}

static bool conv2d_absorb_pad(const Graph& g, Node& n, size_t input, const PadAmounts& pad) {
  auto* a = std::get_if<Conv2DAttrs>(&n.attrs);
  return a && absorb_spatial_pad(g, n, input, pad, *a);
}

ODIN_DEFINE_OP(kConv2D, .infer = infer_conv2d, .reference = ref::conv2d_node, .work = conv2d_work,
               .macs_are_flops = true, .activation_slot = conv2d_activation,
               .absorb_pad = conv2d_absorb_pad, .addend_input = kConvAddendInput,
               .prelu_alpha_input = kConvPreluAlphaInput);

}  // namespace odin
