// Reference SOFTMAX over the last axis: exp((x - max) * beta) / sum, in float
// (TFLite reference_ops::Softmax).
#include <algorithm>
#include <cmath>
#include <limits>

#include "kernels/reference/ref_util.h"
#include "kernels/reference/reference.h"

namespace odin::ref {

Status softmax(const SoftmaxAttrs& attrs, const ConstTensorView& in, const TensorView& out) {
  constexpr const char* kOp = "softmax";
  ODIN_RETURN_IF_ERROR(expect_f32(kOp, "input", in));
  ODIN_RETURN_IF_ERROR(expect_f32(kOp, "output", out));
  if (!valid_view(in) || in.shape.rank() < 1 || out.num_elements() != in.num_elements())
    return bad_shape(kOp, "input ", in.shape.str(), " and output ", out.shape.str(),
                     " must be static, of rank >= 1 and the same size");
  const int64_t depth = in.shape[in.shape.rank() - 1];
  if (depth == 0) return Status();
  const int64_t rows = in.num_elements() / depth;
  const float* x = in.as<float>();
  float* y = out.as<float>();
  for (int64_t r = 0; r < rows; ++r) {
    const float* xr = x + r * depth;
    float* yr = y + r * depth;
    float max = std::numeric_limits<float>::lowest();
    for (int64_t c = 0; c < depth; ++c) max = std::max(max, xr[c]);
    float sum = 0.0f;
    for (int64_t c = 0; c < depth; ++c) sum += std::exp((xr[c] - max) * attrs.beta);
    for (int64_t c = 0; c < depth; ++c) yr[c] = std::exp((xr[c] - max) * attrs.beta) / sum;
  }
  return Status();
}

Status softmax_node(const KernelArgs& args) {
  const auto* a = args.attrs<SoftmaxAttrs>();
  if (!a) return missing_attrs(args);
  return softmax(*a, args.input(0), args.outputs[0]);
}

}  // namespace odin::ref
