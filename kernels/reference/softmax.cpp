// Reference SOFTMAX over the last axis: exp((x - max) * beta) / sum, in float
// (TFLite reference_ops::Softmax); int8/uint8 through an exp table.
#include <algorithm>
#include <cmath>
#include <limits>

#include "kernels/reference/ref_util.h"
#include "kernels/reference/reference.h"
#include "quant/affine.h"

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

void softmax_exp_table(float input_scale, float beta, float table[256]) {
  const float step = -input_scale * beta;
  for (int d = 0; d < 256; ++d) table[d] = std::exp(step * static_cast<float>(d));
}

namespace {

// int8/uint8 as TFLite's builtin int8 SOFTMAX (a float exp table over the
// 256 distances from the row's max): e = exp(-scale_in beta (max - q)),
// zero_out + round(e / (sum e * scale_out)) (ties away from zero), clamped.
template <typename T>
Status softmax_affine(const SoftmaxAttrs& attrs, const KernelArgs& args) {
  constexpr const char* kOp = "softmax";
  const ConstTensorView in = args.input(0);
  const TensorView& out = args.outputs[0];
  const Value& x = args.graph.value(args.node.inputs[0]);
  const Value& y = args.graph.value(args.node.outputs[0]);
  if (!x.quant || !y.quant || x.quant->scales.empty() || y.quant->scales.empty())
    return bad_shape(kOp, "quantized input and output need scales");
  if (out.dtype != in.dtype || !valid_view(in) || in.shape.rank() < 1 ||
      out.num_elements() != in.num_elements())
    return bad_shape(kOp, "input ", in.shape.str(), " and output ", out.shape.str(),
                     " must be static, of rank >= 1, the same size and dtype");
  float table[256];
  softmax_exp_table(scale_of(*x.quant, 0), attrs.beta, table);
  const float out_scale = scale_of(*y.quant, 0);
  const int32_t zy = zero_point_of(*y.quant, 0);
  const QuantizedRange r = dtype_range(out.dtype);
  const int64_t depth = in.shape[in.shape.rank() - 1];
  if (depth == 0) return Status();
  const T* xs = in.as<T>();
  T* ys = out.as<T>();
  for (int64_t row = 0; row < in.num_elements() / depth; ++row) {
    const T* xr = xs + row * depth;
    T* yr = ys + row * depth;
    const T max = *std::max_element(xr, xr + depth);
    float sum = 0.0f;
    for (int64_t c = 0; c < depth; ++c) sum += table[max - xr[c]];
    const float inv = 1.0f / (sum * out_scale);
    for (int64_t c = 0; c < depth; ++c) {
      const double v = std::round(static_cast<double>(table[max - xr[c]] * inv)) + zy;
      yr[c] = static_cast<T>(std::clamp<double>(v, r.min, r.max));
    }
  }
  return Status();
}

}  // namespace

Status softmax_node(const KernelArgs& args) {
  const auto* a = args.attrs<SoftmaxAttrs>();
  if (!a) return missing_attrs(args);
  if (args.input(0).dtype == DType::kI8) return softmax_affine<int8_t>(*a, args);
  if (args.input(0).dtype == DType::kU8) return softmax_affine<uint8_t>(*a, args);
  return softmax(*a, args.input(0), args.outputs[0]);
}

}  // namespace odin::ref
