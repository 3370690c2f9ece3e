// Reference CONV_3D: direct convolution, one output element at a time, in
// TFLite reference_ops::Conv3D's order (filter depth, height, width, input
// channel; bias added last, then the fused activation). Float32.
#include "kernels/reference/ref_util.h"
#include "kernels/reference/reference.h"
#include "ops/conv3d_geometry.h"

namespace odin::ref {
namespace {
constexpr const char* kOp = "conv3d";
}

Status conv3d(const Conv3DAttrs& attrs, const ConstTensorView& in, const ConstTensorView& filter,
              const ConstTensorView& bias, const TensorView& out) {
  ODIN_RETURN_IF_ERROR(expect_f32(kOp, "input", in));
  ODIN_RETURN_IF_ERROR(expect_f32(kOp, "filter", filter));
  ODIN_RETURN_IF_ERROR(expect_f32(kOp, "output", out));
  if (!bias.empty()) ODIN_RETURN_IF_ERROR(expect_f32(kOp, "bias", bias));
  ODIN_RETURN_IF_ERROR(expect_rank(kOp, "input", in, 5));
  ODIN_RETURN_IF_ERROR(expect_rank(kOp, "filter", filter, 5));
  ODIN_RETURN_IF_ERROR(expect_rank(kOp, "output", out, 5));
  if (!valid_view(in) || !valid_view(filter) || out.num_elements() < 0)
    return bad_shape(kOp, "shapes must be static");
  if (attrs.stride_d < 1 || attrs.stride_h < 1 || attrs.stride_w < 1 || attrs.dilation_d < 1 ||
      attrs.dilation_h < 1 || attrs.dilation_w < 1 || attrs.padding == Padding::kExplicit)
    return bad_shape(kOp, "strides and dilations must be >= 1, padding SAME or VALID");
  const Conv3DGeometry g = conv3d_geometry(attrs, in.shape, filter.shape);
  if (filter.shape[3] != g.in_c)
    return bad_shape(kOp, "input ", in.shape.str(), " and filter ", filter.shape.str(),
                     " channels do not match");
  if (out.shape[0] != g.batch || out.shape[1] != g.out_d || out.shape[2] != g.out_h ||
      out.shape[3] != g.out_w || out.shape[4] != g.out_c)
    return bad_shape(kOp, "output shape ", out.shape.str(), " does not match input ",
                     in.shape.str(), " and filter ", filter.shape.str());
  if (!bias.empty() && bias.num_elements() != g.out_c)
    return bad_shape(kOp, "bias ", bias.shape.str(), " does not have ", g.out_c, " elements");
  const float* x = in.as<float>();
  const float* w = filter.as<float>();
  const float* b = bias.empty() ? nullptr : bias.as<float>();
  float* y = out.as<float>();
  int64_t o = 0;
  for (int64_t n = 0; n < g.batch; ++n)
    for (int64_t od = 0; od < g.out_d; ++od)
      for (int64_t oy = 0; oy < g.out_h; ++oy)
        for (int64_t ox = 0; ox < g.out_w; ++ox)
          for (int64_t oc = 0; oc < g.out_c; ++oc, ++o) {
            float acc = 0.0f;
            for (int64_t kd = 0; kd < g.k_d; ++kd) {
              const int64_t id = od * g.stride_d - g.pad_d + kd * g.dilation_d;
              if (id < 0 || id >= g.in_d) continue;
              for (int64_t ky = 0; ky < g.k_h; ++ky) {
                const int64_t iy = oy * g.stride_h - g.pad_h + ky * g.dilation_h;
                if (iy < 0 || iy >= g.in_h) continue;
                for (int64_t kx = 0; kx < g.k_w; ++kx) {
                  const int64_t ix = ox * g.stride_w - g.pad_w + kx * g.dilation_w;
                  if (ix < 0 || ix >= g.in_w) continue;
                  const float* xp = x + (((n * g.in_d + id) * g.in_h + iy) * g.in_w + ix) * g.in_c;
                  const float* wp = w + ((kd * g.k_h + ky) * g.k_w + kx) * g.in_c * g.out_c + oc;
                  for (int64_t ic = 0; ic < g.in_c; ++ic) acc += xp[ic] * wp[ic * g.out_c];
                }
              }
            }
            if (b) acc += b[oc];
            y[o] = apply_activation(attrs.activation, acc);
          }
  return Status();
}

Status conv3d_node(const KernelArgs& args) {
  const auto* a = args.attrs<Conv3DAttrs>();
  if (!a) return missing_attrs(args);
  return conv3d(*a, args.input(0), args.input(1), args.input(2), args.outputs[0]);
}

}  // namespace odin::ref
