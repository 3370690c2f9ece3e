// Reference DEPTHWISE_CONV_2D: output channel oc = ic * M + m reads input
// channel ic only (TFLite reference_ops::DepthwiseConv). M comes from the
// shapes (filter channels / input channels).
#include "kernels/reference/ref_util.h"
#include "kernels/reference/reference.h"

namespace odin::ref {

Status depthwise_conv2d(const DepthwiseConv2DAttrs& attrs, const ConstTensorView& in,
                        const ConstTensorView& filter, const ConstTensorView& bias,
                        const TensorView& out) {
  constexpr const char* kOp = "depthwise_conv2d";
  ODIN_RETURN_IF_ERROR(check_conv_views(kOp, in, filter, bias, out));
  const int64_t batch = in.shape[0], in_h = in.shape[1], in_w = in.shape[2], in_c = in.shape[3];
  const int64_t k_h = filter.shape[1], k_w = filter.shape[2], out_c = filter.shape[3];
  const int64_t out_h = out.shape[1], out_w = out.shape[2];
  if (attrs.stride_h < 1 || attrs.stride_w < 1 || attrs.dilation_h < 1 || attrs.dilation_w < 1)
    return bad_shape(kOp, "strides and dilations must be >= 1");
  if (filter.shape[0] != 1 || in_c < 1 || out_c % in_c != 0)
    return bad_shape(kOp, "filter ", filter.shape.str(), " does not fit input ", in.shape.str());
  const int64_t mult = out_c / in_c;
  const SpatialPadding ph = conv_padding_h(attrs, in_h, k_h);
  const SpatialPadding pw = conv_padding_w(attrs, in_w, k_w);
  if (out.shape[0] != batch || out.shape[3] != out_c || out_h != ph.out || out_w != pw.out)
    return bad_shape(kOp, "output shape ", out.shape.str(), " does not match input ",
                     in.shape.str(), " and filter ", filter.shape.str());
  if (!bias.empty() && bias.num_elements() != out_c)
    return bad_shape(kOp, "bias ", bias.shape.str(), " does not have ", out_c, " elements");

  const float* x = in.as<float>();
  const float* w = filter.as<float>();
  const float* b = bias.empty() ? nullptr : bias.as<float>();
  float* y = out.as<float>();
  for (int64_t n = 0; n < batch; ++n) {
    for (int64_t oy = 0; oy < out_h; ++oy) {
      for (int64_t ox = 0; ox < out_w; ++ox) {
        for (int64_t ic = 0; ic < in_c; ++ic) {
          for (int64_t m = 0; m < mult; ++m) {
            const int64_t oc = ic * mult + m;
            float acc = 0.0f;
            for (int64_t ky = 0; ky < k_h; ++ky) {
              const int64_t iy = oy * attrs.stride_h - ph.before + ky * attrs.dilation_h;
              if (iy < 0 || iy >= in_h) continue;
              for (int64_t kx = 0; kx < k_w; ++kx) {
                const int64_t ix = ox * attrs.stride_w - pw.before + kx * attrs.dilation_w;
                if (ix < 0 || ix >= in_w) continue;
                acc +=
                    x[((n * in_h + iy) * in_w + ix) * in_c + ic] * w[(ky * k_w + kx) * out_c + oc];
              }
            }
            if (b) acc += b[oc];
            y[((n * out_h + oy) * out_w + ox) * out_c + oc] =
                apply_activation(attrs.activation, acc);
          }
        }
      }
    }
  }
  return Status();
}

Status depthwise_conv2d_node(const KernelArgs& args) {
  const auto* a = args.attrs<DepthwiseConv2DAttrs>();
  if (!a) return missing_attrs(args);
  return depthwise_conv2d(*a, args.input(0), args.input(1), args.input(2), args.outputs[0]);
}

}  // namespace odin::ref
