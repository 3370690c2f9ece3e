// Reference RMS_NORM: the sum of squares in double, as ggml's rms_norm
// accumulates it, then y = x * (1 / sqrt(mean + eps)) * weight in float.
#include <cmath>

#include "kernels/reference/ref_util.h"
#include "kernels/reference/reference.h"

namespace odin::ref {

Status rms_norm(const RmsNormAttrs& attrs, const ConstTensorView& in, const ConstTensorView& weight,
                const TensorView& out) {
  constexpr const char* kOp = "rms_norm";
  ODIN_RETURN_IF_ERROR(expect_f32(kOp, "input", in));
  ODIN_RETURN_IF_ERROR(expect_f32(kOp, "weight", weight));
  ODIN_RETURN_IF_ERROR(expect_f32(kOp, "output", out));
  if (!valid_view(in) || !valid_view(weight) || in.shape.rank() < 1 ||
      weight.num_elements() != in.shape[in.shape.rank() - 1] ||
      out.num_elements() != in.num_elements())
    return bad_shape(kOp, "input ", in.shape.str(), ", weight ", weight.shape.str(), " and output ",
                     out.shape.str(), " do not agree");
  const int64_t d = weight.num_elements();
  if (d == 0) return Status();
  const int64_t rows = in.num_elements() / d;
  const float* w = weight.as<float>();
  for (int64_t r = 0; r < rows; ++r) {
    const float* x = in.as<float>() + r * d;
    float* y = out.as<float>() + r * d;
    double sum = 0.0;
    for (int64_t i = 0; i < d; ++i) sum += static_cast<double>(x[i]) * x[i];
    const float scale =
        1.0f / std::sqrt(static_cast<float>(sum / static_cast<double>(d)) + attrs.epsilon);
    for (int64_t i = 0; i < d; ++i) y[i] = x[i] * scale * w[i];
  }
  return Status();
}

Status rms_norm_node(const KernelArgs& args) {
  const auto* a = args.attrs<RmsNormAttrs>();
  if (!a) return missing_attrs(args);
  return rms_norm(*a, args.input(0), args.input(1), args.outputs[0]);
}

}  // namespace odin::ref
