// Reference ROPE. Pair k of a head turns by theta = pos * base^(-2k / n_rot);
// theta is built by repeated multiplication in float, as ggml's rope cache
// does, so positions agree with llama.cpp to the last bits.
#include <cmath>
#include <vector>

#include "kernels/reference/ref_util.h"
#include "kernels/reference/reference.h"

namespace odin::ref {

Status rope(const RopeAttrs& attrs, const ConstTensorView& in, const ConstTensorView& positions,
            const TensorView& out) {
  constexpr const char* kOp = "rope";
  ODIN_RETURN_IF_ERROR(expect_f32(kOp, "input", in));
  ODIN_RETURN_IF_ERROR(expect_f32(kOp, "output", out));
  ODIN_RETURN_IF_ERROR(expect_rank(kOp, "input", in, 2));
  const int64_t rows = in.shape[0], width = in.shape[1];
  if (!valid_view(in) || positions.dtype != DType::kI32 || positions.num_elements() != rows ||
      out.num_elements() != in.num_elements() || attrs.head_dim < 2 ||
      width % attrs.head_dim != 0 || attrs.n_rot < 2 || attrs.n_rot > attrs.head_dim)
    return bad_shape(kOp, "input ", in.shape.str(), ", positions ", positions.shape.str(),
                     " and output ", out.shape.str(), " do not agree with head_dim ",
                     attrs.head_dim);
  const int64_t hd = attrs.head_dim, half = attrs.n_rot / 2;
  const float theta_scale = std::pow(attrs.theta_base, -2.0f / static_cast<float>(attrs.n_rot));
  std::vector<float> cos_t(static_cast<size_t>(half)), sin_t(static_cast<size_t>(half));
  for (int64_t r = 0; r < rows; ++r) {
    float theta = static_cast<float>(positions.as<int32_t>()[r]);
    for (int64_t k = 0; k < half; ++k, theta *= theta_scale) {
      cos_t[static_cast<size_t>(k)] = std::cos(theta);
      sin_t[static_cast<size_t>(k)] = std::sin(theta);
    }
    const float* x = in.as<float>() + r * width;
    float* y = out.as<float>() + r * width;
    for (int64_t h = 0; h < width; h += hd) {
      for (int64_t k = 0; k < half; ++k) {
        // The pair (a, b): adjacent values, or k and k + half (NeoX).
        const int64_t a = attrs.neox ? h + k : h + 2 * k;
        const int64_t b = attrs.neox ? h + k + half : h + 2 * k + 1;
        const float c = cos_t[static_cast<size_t>(k)], s = sin_t[static_cast<size_t>(k)];
        const float xa = x[a], xb = x[b];
        y[a] = xa * c - xb * s;
        y[b] = xa * s + xb * c;
      }
      for (int64_t i = attrs.n_rot; i < hd; ++i) y[h + i] = x[h + i];  // not rotated
    }
  }
  return Status();
}

Status rope_node(const KernelArgs& args) {
  const auto* a = args.attrs<RopeAttrs>();
  if (!a) return missing_attrs(args);
  return rope(*a, args.input(0), args.input(1), args.outputs[0]);
}

}  // namespace odin::ref
