// DEPTHWISE_CONV_2D shape inference: NHWC input, filter [1, kh, kw, C*M],
// optional bias [C*M], optional PRELU slopes per output channel (a PRELU
// fused in: OpDef::prelu_alpha_input; not a TFLite input). The multiplier M comes from the shapes;
// the attribute is redundant (TFLite once checked it, and newer converters may leave it
// inconsistent), so it is accepted when 0 or equal to M.
#include "ops/infer_context.h"
#include "ops/op_def.h"
#include "ops/window.h"
#include "ops/work.h"

namespace odin {

constexpr int kDepthwisePreluAlphaInput = 3;

static Status infer_depthwise_conv2d(InferContext& ctx) {
  ODIN_RETURN_IF_ERROR(ctx.expect_inputs(2, kDepthwisePreluAlphaInput + 1));
  ODIN_RETURN_IF_ERROR(ctx.expect_outputs(1));
  const DepthwiseConv2DAttrs* a = node_attrs<DepthwiseConv2DAttrs>(ctx);
  if (!a) return ctx.fail("missing DEPTHWISE_CONV_2D attributes");
  ODIN_RETURN_IF_ERROR(
      check_conv_inputs(ctx, a->stride_h, a->stride_w, a->dilation_h, a->dilation_w));
  const Shape& in = ctx.input_shape(0);
  const Shape& f = ctx.input_shape(1);
  if (f[0] != 1) return ctx.fail("filter ", f.str(), " must have leading dimension 1");
  const int64_t in_c = in[3], out_c = f[3];
  if (in_c == kDynamicDim)
    return ctx.unsupported("input channels must be static, input is ", in.str());
  if (in_c < 1 || out_c < 1 || out_c % in_c != 0)
    return ctx.fail("filter channels ", out_c, " (filter ", f.str(),
                    ") must be a positive multiple of the input channels ", in_c, " (input ",
                    in.str(), ")");
  const int64_t multiplier = out_c / in_c;
  if (a->depth_multiplier != 0 && a->depth_multiplier != multiplier)
    return ctx.fail("depth_multiplier ", a->depth_multiplier, " disagrees with the shapes (input ",
                    in.str(), ", filter ", f.str(), " imply ", multiplier, ")");
  ODIN_RETURN_IF_ERROR(set_conv_output(ctx, *a, out_c, 3));  // [1, kh, kw, out_c]
  return ctx.expect_prelu_alpha(kDepthwisePreluAlphaInput);
}

namespace ref {
Status depthwise_conv2d_node(const KernelArgs& args);  // kernels/reference/depthwise_conv2d.cpp
}

// MACs: out * kh * kw.
static int64_t depthwise_work(const Graph& g, const Node& n) {
  const ValueId f = n.inputs[1];
  return work::mul(work::elements(g, n.outputs[0]),
                   work::mul(work::dim(g, f, 1), work::dim(g, f, 2)));
}

static Activation* depthwise_activation(OpAttrs& attrs) {
  auto* a = std::get_if<DepthwiseConv2DAttrs>(&attrs);
  return a ? &a->activation : nullptr;
}

static bool depthwise_absorb_pad(const Graph& g, Node& n, size_t input, const PadAmounts& pad) {
  auto* a = std::get_if<DepthwiseConv2DAttrs>(&n.attrs);
  return a && absorb_spatial_pad(g, n, input, pad, *a);
}

ODIN_DEFINE_OP(kDepthwiseConv2D, .infer = infer_depthwise_conv2d,
               .reference = ref::depthwise_conv2d_node, .work = depthwise_work,
               .macs_are_flops = true, .activation_slot = depthwise_activation,
               .absorb_pad = depthwise_absorb_pad, .prelu_alpha_input = kDepthwisePreluAlphaInput);

}  // namespace odin
