// Reference CONV_2D: direct convolution, one output element at a time, in
// TFLite reference_ops::Conv's order (filter y, filter x, input channel; bias
// added last, then a fused residual addend, then the fused activation, then
// a fused PRELU).
// Supports grouped convolution.
// Float32, or int8/uint8 with TFLite's integer arithmetic (weighted_arith.h:
// reference_integer_ops::ConvPerChannel).
#include "kernels/reference/reference.h"
#include "kernels/reference/weighted_arith.h"

namespace odin::ref {
namespace {

constexpr const char* kOp = "conv2d";

struct ConvGeometry {
  int64_t batch, in_h, in_w, in_c, out_c, k_h, k_w, f_c, out_h, out_w;
  SpatialPadding ph, pw;
};

// The shape checks (any dtype): channels, padding and output agree.
Result<ConvGeometry> geometry(const Conv2DAttrs& attrs, const ConstTensorView& in,
                              const ConstTensorView& filter, const ConstTensorView& bias,
                              const ConstTensorView& out) {
  ODIN_RETURN_IF_ERROR(check_conv_shapes(kOp, in, filter, out));
  ConvGeometry g{in.shape[0],
                 in.shape[1],
                 in.shape[2],
                 in.shape[3],
                 filter.shape[0],
                 filter.shape[1],
                 filter.shape[2],
                 filter.shape[3],
                 out.shape[1],
                 out.shape[2],
                 {},
                 {}};
  if (g.f_c < 1 || g.in_c % g.f_c != 0 || g.out_c < 1 || g.out_c % (g.in_c / g.f_c) != 0)
    return bad_shape(kOp, "input ", in.shape.str(), " and filter ", filter.shape.str(),
                     " channels do not match");
  ODIN_RETURN_IF_ERROR(check_conv_window(kOp, attrs, in, filter, bias, out, g.out_c, &g.ph, &g.pw));
  return g;
}

template <class Arith>
void loops(const Conv2DAttrs& attrs, const ConvGeometry& g, const typename Arith::In* x,
           const typename Arith::In* w, const Arith& arith) {
  const int64_t out_c_per_group = g.out_c / (g.in_c / g.f_c);
  for (int64_t n = 0; n < g.batch; ++n) {
    for (int64_t oy = 0; oy < g.out_h; ++oy) {
      for (int64_t ox = 0; ox < g.out_w; ++ox) {
        for (int64_t oc = 0; oc < g.out_c; ++oc) {
          const int64_t ic0 = (oc / out_c_per_group) * g.f_c;  // first input channel of the group
          typename Arith::Acc acc = 0;
          for (int64_t ky = 0; ky < g.k_h; ++ky) {
            const int64_t iy = oy * attrs.stride_h - g.ph.before + ky * attrs.dilation_h;
            if (iy < 0 || iy >= g.in_h) continue;
            for (int64_t kx = 0; kx < g.k_w; ++kx) {
              const int64_t ix = ox * attrs.stride_w - g.pw.before + kx * attrs.dilation_w;
              if (ix < 0 || ix >= g.in_w) continue;
              const auto* xp = x + ((n * g.in_h + iy) * g.in_w + ix) * g.in_c + ic0;
              const auto* wp = w + ((oc * g.k_h + ky) * g.k_w + kx) * g.f_c;
              for (int64_t ic = 0; ic < g.f_c; ++ic) acc += arith.product(xp[ic], wp[ic], oc);
            }
          }
          arith.finish(((n * g.out_h + oy) * g.out_w + ox) * g.out_c + oc, oc, acc);
        }
      }
    }
  }
}

}  // namespace

Status conv2d(const Conv2DAttrs& attrs, const ConstTensorView& in, const ConstTensorView& filter,
              const ConstTensorView& bias, const TensorView& out, const ConstTensorView& addend,
              const ConstTensorView& alpha) {
  ODIN_RETURN_IF_ERROR(check_conv_views(kOp, in, filter, bias, out));
  ODIN_ASSIGN_OR_RETURN(const ConvGeometry g, geometry(attrs, in, filter, bias, out));
  if (!addend.empty() && (addend.dtype != DType::kF32 || addend.shape != out.shape))
    return bad_shape(kOp, "addend ", addend.shape.str(), " is not float32 of the output's shape ",
                     out.shape.str());
  ODIN_RETURN_IF_ERROR(check_prelu_alpha(kOp, alpha, g.out_c));
  const FloatArith arith{bias.empty() ? nullptr : bias.as<float>(), attrs.activation,
                         out.as<float>(), addend.empty() ? nullptr : addend.as<float>(),
                         alpha.empty() ? nullptr : alpha.as<float>()};
  loops(attrs, g, in.as<float>(), filter.as<float>(), arith);
  return Status();
}

Status conv2d_node(const KernelArgs& args) {
  const auto* a = args.attrs<Conv2DAttrs>();
  if (!a) return missing_attrs(args);
  if (!is_affine_dtype(args.input(0).dtype))
    return conv2d(*a, args.input(0), args.input(1), args.input(2), args.outputs[0], args.input(3),
                  args.input(4));
  ODIN_ASSIGN_OR_RETURN(const ConvGeometry g,
                        geometry(*a, args.input(0), args.input(1), args.input(2), args.outputs[0]));
  return run_affine(
      kOp, args, g.out_c, a->activation,
      [&](const auto& arith, const auto* x, const auto* w) { loops(*a, g, x, w, arith); });
}

}  // namespace odin::ref
