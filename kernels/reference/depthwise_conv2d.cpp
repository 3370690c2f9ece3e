// Reference DEPTHWISE_CONV_2D: output channel oc = ic * M + m reads input
// channel ic only (TFLite reference_ops::DepthwiseConv). M comes from the
// shapes (filter channels / input channels). Float32, or int8/uint8 with
// TFLite's integer arithmetic (weighted_arith.h: reference_integer_ops::
// DepthwiseConvPerChannel).
#include "kernels/reference/reference.h"
#include "kernels/reference/weighted_arith.h"

namespace odin::ref {
namespace {

constexpr const char* kOp = "depthwise_conv2d";

struct DwGeometry {
  int64_t batch, in_h, in_w, in_c, k_h, k_w, out_c, out_h, out_w, mult;
  SpatialPadding ph, pw;
};

Result<DwGeometry> geometry(const DepthwiseConv2DAttrs& attrs, const ConstTensorView& in,
                            const ConstTensorView& filter, const ConstTensorView& bias,
                            const ConstTensorView& out) {
  ODIN_RETURN_IF_ERROR(check_conv_shapes(kOp, in, filter, out));
  DwGeometry g{in.shape[0],
               in.shape[1],
               in.shape[2],
               in.shape[3],
               filter.shape[1],
               filter.shape[2],
               filter.shape[3],
               out.shape[1],
               out.shape[2],
               0,
               {},
               {}};
  if (filter.shape[0] != 1 || g.in_c < 1 || g.out_c % g.in_c != 0)
    return bad_shape(kOp, "filter ", filter.shape.str(), " does not fit input ", in.shape.str());
  g.mult = g.out_c / g.in_c;
  ODIN_RETURN_IF_ERROR(check_conv_window(kOp, attrs, in, filter, bias, out, g.out_c, &g.ph, &g.pw));
  return g;
}

template <class Arith>
void loops(const DepthwiseConv2DAttrs& attrs, const DwGeometry& g, const typename Arith::In* x,
           const typename Arith::In* w, const Arith& arith) {
  for (int64_t n = 0; n < g.batch; ++n) {
    for (int64_t oy = 0; oy < g.out_h; ++oy) {
      for (int64_t ox = 0; ox < g.out_w; ++ox) {
        for (int64_t ic = 0; ic < g.in_c; ++ic) {
          for (int64_t m = 0; m < g.mult; ++m) {
            const int64_t oc = ic * g.mult + m;
            typename Arith::Acc acc = 0;
            for (int64_t ky = 0; ky < g.k_h; ++ky) {
              const int64_t iy = oy * attrs.stride_h - g.ph.before + ky * attrs.dilation_h;
              if (iy < 0 || iy >= g.in_h) continue;
              for (int64_t kx = 0; kx < g.k_w; ++kx) {
                const int64_t ix = ox * attrs.stride_w - g.pw.before + kx * attrs.dilation_w;
                if (ix < 0 || ix >= g.in_w) continue;
                acc += arith.product(x[((n * g.in_h + iy) * g.in_w + ix) * g.in_c + ic],
                                     w[(ky * g.k_w + kx) * g.out_c + oc], oc);
              }
            }
            arith.finish(((n * g.out_h + oy) * g.out_w + ox) * g.out_c + oc, oc, acc);
          }
        }
      }
    }
  }
}

}  // namespace

Status depthwise_conv2d(const DepthwiseConv2DAttrs& attrs, const ConstTensorView& in,
                        const ConstTensorView& filter, const ConstTensorView& bias,
                        const TensorView& out, const ConstTensorView& alpha) {
  ODIN_RETURN_IF_ERROR(check_conv_views(kOp, in, filter, bias, out));
  ODIN_ASSIGN_OR_RETURN(const DwGeometry g, geometry(attrs, in, filter, bias, out));
  ODIN_RETURN_IF_ERROR(check_prelu_alpha(kOp, alpha, g.out_c));
  const FloatArith arith{bias.empty() ? nullptr : bias.as<float>(), attrs.activation,
                         out.as<float>(), nullptr, alpha.empty() ? nullptr : alpha.as<float>()};
  loops(attrs, g, in.as<float>(), filter.as<float>(), arith);
  return Status();
}

Status depthwise_conv2d_node(const KernelArgs& args) {
  const auto* a = args.attrs<DepthwiseConv2DAttrs>();
  if (!a) return missing_attrs(args);
  if (!is_affine_dtype(args.input(0).dtype))
    return depthwise_conv2d(*a, args.input(0), args.input(1), args.input(2), args.outputs[0],
                            args.input(3));
  ODIN_ASSIGN_OR_RETURN(const DwGeometry g,
                        geometry(*a, args.input(0), args.input(1), args.input(2), args.outputs[0]));
  return run_affine(
      kOp, args, g.out_c, a->activation,
      [&](const auto& arith, const auto* x, const auto* w) { loops(*a, g, x, w, arith); });
}

}  // namespace odin::ref
