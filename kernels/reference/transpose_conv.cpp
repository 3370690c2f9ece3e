// Reference transposed convolution (TRANSPOSE_CONV and MediaPipe's
// Convolution2DTransposeBias): every input pixel scatters input * filter into
// the output window it influences (TFLite reference_ops::TransposeConv).
// The leading padding is TFLite's, from the forward conv that maps the output
// back to the input (transpose_conv.cc: ComputePaddingHeightWidth with the
// output size as the "input"); for MediaPipe's op this equals
// transpose_conv_bias.cc's max(0, k - (in-1) % s - 1) / 2 at its output size.
#include <vector>

#include "kernels/reference/ref_util.h"
#include "kernels/reference/reference.h"
#include "ops/transpose_conv_geometry.h"

namespace odin::ref {

Status transpose_conv(const TransposeConvAttrs& attrs, const ConstTensorView& in,
                      const ConstTensorView& filter, const ConstTensorView& bias,
                      const TensorView& out) {
  constexpr const char* kOp = "transpose_conv";
  ODIN_RETURN_IF_ERROR(check_conv_views(kOp, in, filter, bias, out));
  const int64_t batch = in.shape[0], in_h = in.shape[1], in_w = in.shape[2], in_c = in.shape[3];
  const int64_t out_c = filter.shape[0], k_h = filter.shape[1], k_w = filter.shape[2];
  const int64_t out_h = out.shape[1], out_w = out.shape[2];
  if (attrs.stride_h < 1 || attrs.stride_w < 1) return bad_shape(kOp, "strides must be >= 1");
  if (filter.shape[3] != in_c || out.shape[0] != batch || out.shape[3] != out_c || k_h < 1 ||
      k_w < 1)
    return bad_shape(kOp, "input ", in.shape.str(), ", filter ", filter.shape.str(), " and output ",
                     out.shape.str(), " do not match");
  if (!bias.empty() && bias.num_elements() != out_c)
    return bad_shape(kOp, "bias ", bias.shape.str(), " does not have ", out_c, " elements");
  const int64_t pad_h = transpose_conv_padding(attrs.padding, out_h, k_h, attrs.stride_h).before;
  const int64_t pad_w = transpose_conv_padding(attrs.padding, out_w, k_w, attrs.stride_w).before;

  const float* x = in.as<float>();
  const float* w = filter.as<float>();
  float* y = out.as<float>();
  const int64_t total = out.num_elements();
  for (int64_t i = 0; i < total; ++i) y[i] = 0.0f;
  for (int64_t n = 0; n < batch; ++n) {
    for (int64_t iy = 0; iy < in_h; ++iy) {
      for (int64_t ix = 0; ix < in_w; ++ix) {
        for (int64_t ic = 0; ic < in_c; ++ic) {
          const float v = x[((n * in_h + iy) * in_w + ix) * in_c + ic];
          for (int64_t ky = 0; ky < k_h; ++ky) {
            const int64_t oy = iy * attrs.stride_h - pad_h + ky;
            if (oy < 0 || oy >= out_h) continue;
            for (int64_t kx = 0; kx < k_w; ++kx) {
              const int64_t ox = ix * attrs.stride_w - pad_w + kx;
              if (ox < 0 || ox >= out_w) continue;
              for (int64_t oc = 0; oc < out_c; ++oc)
                y[((n * out_h + oy) * out_w + ox) * out_c + oc] +=
                    v * w[((oc * k_h + ky) * k_w + kx) * in_c + ic];
            }
          }
        }
      }
    }
  }
  const float* b = bias.empty() ? nullptr : bias.as<float>();
  for (int64_t i = 0; i < total; ++i) {
    float acc = y[i];
    if (b) acc += b[i % out_c];
    y[i] = apply_activation(attrs.activation, acc);
  }
  return Status();
}

// TRANSPOSE_CONV's inputs: output_shape, filter, input, [bias].
Status transpose_conv_node(const KernelArgs& args) {
  const auto* a = args.attrs<TransposeConvAttrs>();
  if (!a) return missing_attrs(args);
  return transpose_conv(*a, args.input(2), args.input(1), args.input(3), args.outputs[0]);
}

// Convolution2DTransposeBias's inputs: input, filter, bias.
Status convolution2d_transpose_bias_node(const KernelArgs& args) {
  const auto* a = args.attrs<TransposeConvAttrs>();
  if (!a) return missing_attrs(args);
  return transpose_conv(*a, args.input(0), args.input(1), args.input(2), args.outputs[0]);
}

}  // namespace odin::ref
