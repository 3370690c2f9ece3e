// TRANSPOSE_CONV and MediaPipe's Convolution2DTransposeBias shape inference.
#include <algorithm>

#include "ops/infer_context.h"
#include "ops/op_def.h"
#include "ops/transpose_conv_geometry.h"
#include "ops/window.h"
#include "ops/work.h"

namespace odin {
namespace {

// Checks the NHWC input, OHWI filter and optional bias at the given slots.
Status check_operands(InferContext& ctx, size_t input, size_t filter, size_t bias,
                      const TransposeConvAttrs& a) {
  ODIN_RETURN_IF_ERROR(ctx.expect_rank(input, 4));
  ODIN_RETURN_IF_ERROR(ctx.expect_rank(filter, 4));
  ODIN_RETURN_IF_ERROR(ctx.expect_dtype(input, DType::kF32));
  ODIN_RETURN_IF_ERROR(ctx.expect_dtype(filter, DType::kF32));
  ODIN_RETURN_IF_ERROR(ctx.expect_static(filter));
  ODIN_RETURN_IF_ERROR(check_window_attrs(ctx, a.stride_h, a.stride_w, 1, 1));
  const Shape& in = ctx.input_shape(input);
  const Shape& f = ctx.input_shape(filter);
  if (f[0] < 1 || f[1] < 1 || f[2] < 1 || f[3] < 1)
    return ctx.fail("filter shape ", f.str(), " has an empty dimension");
  if (in[3] != f[3])
    return ctx.fail("input channels ", in[3], " (input ", in.str(),
                    ") differ from the filter's input channels ", f[3], " (filter ", f.str(), ")");
  if (ctx.has_input(bias)) {
    ODIN_RETURN_IF_ERROR(ctx.expect_dtype(bias, DType::kF32));
    const Shape& b = ctx.input_shape(bias);
    if (b.rank() != 1 || b[0] != f[0])
      return ctx.fail("bias shape ", b.str(), " does not match the filter's ", f[0],
                      " output channels");
  }
  return Status();
}

}  // namespace

// Inputs: output_shape (int32[4] constant), filter OHWI, input NHWC, [bias].
static Status infer_transpose_conv(InferContext& ctx) {
  ODIN_RETURN_IF_ERROR(ctx.expect_inputs(3, 4));
  ODIN_RETURN_IF_ERROR(ctx.expect_outputs(1));
  const TransposeConvAttrs* a = node_attrs<TransposeConvAttrs>(ctx);
  if (!a) return ctx.fail("missing TRANSPOSE_CONV attributes");
  ODIN_RETURN_IF_ERROR(check_operands(ctx, 2, 1, 3, *a));
  ODIN_ASSIGN_OR_RETURN(const std::vector<int64_t> os, ctx.const_ints(0));
  if (os.size() != 4) return ctx.fail("output_shape must hold 4 values (NHWC), holds ", os.size());
  for (int64_t d : os)
    if (d < 1 || d > kMaxTensorElements)
      return ctx.fail("output_shape [", os[0], ",", os[1], ",", os[2], ",", os[3],
                      "] has a dimension out of range");
  const Shape& in = ctx.input_shape(2);
  const Shape& f = ctx.input_shape(1);
  if (in[0] != kDynamicDim && in[0] != os[0])
    return ctx.fail("output_shape batch ", os[0], " differs from the input batch ", in[0]);
  if (os[3] != f[0])
    return ctx.fail("output_shape channels ", os[3], " differ from the filter's output channels ",
                    f[0]);
  // The output must map back to the input through the forward convolution
  // (as TensorFlow requires of conv2d_transpose): else input pixels would
  // fall outside it, or output pixels receive no tap.
  const char* axes[] = {"height", "width"};
  const int64_t strides[] = {a->stride_h, a->stride_w};
  for (size_t i = 0; i < 2; ++i) {
    if (in[i + 1] == kDynamicDim) continue;
    const int64_t back = transpose_conv_padding(a->padding, os[i + 1], f[i + 1], strides[i]).out;
    if (back != in[i + 1])
      return ctx.fail("output_shape ", axes[i], " ", os[i + 1], " does not match the input ",
                      axes[i], " ", in[i + 1], ": a ",
                      a->padding == Padding::kSame ? "SAME" : "VALID", " stride-", strides[i],
                      " convolution with a filter ", axes[i], " of ", f[i + 1], " maps it to ",
                      back, ", not ", in[i + 1]);
  }
  Shape out(os);
  ODIN_RETURN_IF_ERROR(check_output_size(ctx, out));
  ctx.set_output(0, DType::kF32, std::move(out));
  return Status();
}

// Inputs: input NHWC, filter OHWI, bias. Output size as MediaPipe's
// transpose_conv_bias.cc Prepare: pad = SAME ? max(0, k - (in-1) % s - 1) : 0,
// out = s*(in-1) + k - pad (equals in*s for SAME whenever k >= s).
static Status infer_convolution2d_transpose_bias(InferContext& ctx) {
  ODIN_RETURN_IF_ERROR(ctx.expect_inputs(3, 3));
  ODIN_RETURN_IF_ERROR(ctx.expect_outputs(1));
  const TransposeConvAttrs* a = node_attrs<TransposeConvAttrs>(ctx);
  if (!a) return ctx.fail("missing Convolution2DTransposeBias attributes");
  ODIN_RETURN_IF_ERROR(check_operands(ctx, 0, 1, 2, *a));
  const Shape& in = ctx.input_shape(0);
  const Shape& f = ctx.input_shape(1);
  auto out_size = [&](const char* axis, int64_t n, int64_t k, int64_t s) -> Result<int64_t> {
    if (n == kDynamicDim) return kDynamicDim;
    if (n < 1) return ctx.fail("input ", axis, " is ", n, ", must be >= 1");
    if (n - 1 > kMaxTensorElements / s) return ctx.fail("output ", axis, " is too large");
    const int64_t pad =
        a->padding == Padding::kSame ? std::max<int64_t>(0, k - (n - 1) % s - 1) : 0;
    return s * (n - 1) + k - pad;
  };
  ODIN_ASSIGN_OR_RETURN(const int64_t out_h, out_size("height", in[1], f[1], a->stride_h));
  ODIN_ASSIGN_OR_RETURN(const int64_t out_w, out_size("width", in[2], f[2], a->stride_w));
  Shape out({in[0], out_h, out_w, f[0]});
  ODIN_RETURN_IF_ERROR(check_output_size(ctx, out));
  ctx.set_output(0, DType::kF32, std::move(out));
  return Status();
}

namespace ref {
Status transpose_conv_node(const KernelArgs& args);  // kernels/reference/transpose_conv.cpp
Status convolution2d_transpose_bias_node(const KernelArgs& args);
}  // namespace ref

// MACs: every input pixel scatters a whole filter (OHW x the input channels).
template <size_t kInput>
int64_t transpose_conv_work(const Graph& g, const Node& n) {
  const ValueId w = n.inputs[1];
  return work::mul(
      work::elements(g, n.inputs[kInput]),
      work::mul(work::mul(work::dim(g, w, 0), work::dim(g, w, 1)), work::dim(g, w, 2)));
}

ODIN_DEFINE_OP(kTransposeConv, .infer = infer_transpose_conv, .reference = ref::transpose_conv_node,
               .work = transpose_conv_work<2>, .macs_are_flops = true);
ODIN_DEFINE_OP(kConvolution2DTransposeBias, .infer = infer_convolution2d_transpose_bias,
               .reference = ref::convolution2d_transpose_bias_node, .work = transpose_conv_work<0>,
               .macs_are_flops = true);

}  // namespace odin
