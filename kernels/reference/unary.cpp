// Elementwise activations: float32, and int8/uint8 through a 256-entry table. Formulas follow
// TFLite's reference kernels
// (tensorflow/lite/kernels/internal/reference/{gelu,hard_swish,leaky_relu}.h).
#include <algorithm>
#include <cmath>
#include <limits>

#include "kernels/reference/index_walk.h"
#include "kernels/reference/ref_util.h"
#include "kernels/reference/reference.h"
#include "quant/affine.h"

namespace odin::ref {
namespace {

float gelu(float x, bool approximate) {
  if (approximate) {
    // 0.5x(1 + tanh(sqrt(2/pi)(x + 0.044715x^3)))
    const float k = std::sqrt(2.0f / static_cast<float>(M_PI));
    return 0.5f * x * (1.0f + std::tanh(k * (x + 0.044715f * x * x * x)));
  }
  return 0.5f * x * (1.0f + std::erf(x * static_cast<float>(M_SQRT1_2)));
}

// fn at v (LEAKY_RELU: slope alpha below 0); NaN for a non-unary fn.
float apply_unary(UnaryFn fn, float v, float leaky_alpha) {
  switch (fn) {
    case UnaryFn::kLogistic:
      return 1.0f / (1.0f + std::exp(-v));
    case UnaryFn::kRelu:
      return std::max(v, 0.0f);
    case UnaryFn::kReluN1To1:
      return std::clamp(v, -1.0f, 1.0f);
    case UnaryFn::kRelu6:
      return std::clamp(v, 0.0f, 6.0f);
    case UnaryFn::kTanh:
      return std::tanh(v);
    case UnaryFn::kHardSwish:
      return v * std::clamp(v + 3.0f, 0.0f, 6.0f) / 6.0f;
    case UnaryFn::kLeakyRelu:
      return v > 0.0f ? v : v * leaky_alpha;
    case UnaryFn::kRsqrt:
      return 1.0f / std::sqrt(v);
    case UnaryFn::kGelu:
      return gelu(v, false);
    case UnaryFn::kGeluTanh:
      return gelu(v, true);
    default:
      return std::nanf("");
  }
}

// int8/uint8 through a table of the 256 inputs, as TFLite's int8 LOGISTIC,
// TANH (LUTPopulate): x = scale_in (q - zero_in), y = fn(x) in float32,
// zero_out + round(y * (1 / scale_out)) (ties away from zero), clamped.
template <typename T>
Status unary_affine(const KernelArgs& args, UnaryFn fn) {
  const ConstTensorView in = args.input(0);
  const TensorView& out = args.outputs[0];
  const Value& x = args.graph.value(args.node.inputs[0]);
  const Value& y = args.graph.value(args.node.outputs[0]);
  if (!x.quant || !y.quant || x.quant->scales.empty() || y.quant->scales.empty())
    return bad_shape("unary", "quantized input and output need scales");
  const float sx = scale_of(*x.quant, 0), inv = 1.0f / scale_of(*y.quant, 0);
  const int32_t zx = zero_point_of(*x.quant, 0), zy = zero_point_of(*y.quant, 0);
  const QuantizedRange r = dtype_range(out.dtype);
  T table[256];
  for (int q = std::numeric_limits<T>::min(); q <= std::numeric_limits<T>::max(); ++q) {
    const float v = apply_unary(fn, sx * static_cast<float>(q - zx), 0.0f) * inv;
    const double rounded = std::round(static_cast<double>(v)) + zy;  // NaN: the low end
    table[static_cast<uint8_t>(q)] =
        static_cast<T>(!(rounded >= r.min) ? r.min
                       : rounded > r.max   ? r.max
                                           : static_cast<int32_t>(rounded));
  }
  const T* xs = in.as<T>();
  T* ys = out.as<T>();
  for (int64_t i = 0; i < in.num_elements(); ++i) ys[i] = table[static_cast<uint8_t>(xs[i])];
  return Status();
}

}  // namespace

Status unary(UnaryFn fn, const ConstTensorView& in, const TensorView& out, float leaky_alpha) {
  constexpr const char* name = "unary";
  ODIN_RETURN_IF_ERROR(expect_same_dtype(name, in, out));
  if (in.dtype != DType::kF32)
    return make_error(StatusCode::kUnsupported, name, ": dtype ", dtype_name(in.dtype));
  ODIN_RETURN_IF_ERROR(expect_out_shape(name, out, in.shape));
  if (!is_unary_fn(fn))
    return make_error(StatusCode::kInternal, name, ": function ", static_cast<int>(fn),
                      " is not a unary function");
  const float* x = in.as<float>();
  float* y = out.as<float>();
  const int64_t n = in.num_elements();
  for (int64_t i = 0; i < n; ++i) y[i] = apply_unary(fn, x[i], leaky_alpha);
  return Status();
}

Status unary_node(const KernelArgs& args) {
  const UnaryFn fn = unary_fn_of(args.node);
  const ConstTensorView in = args.input(0);
  if (is_affine_dtype(in.dtype)) {
    ODIN_RETURN_IF_ERROR(expect_same_dtype("unary", in, args.outputs[0]));
    ODIN_RETURN_IF_ERROR(expect_out_shape("unary", args.outputs[0], in.shape));
    if (!is_unary_fn(fn)) return bad_shape("unary", "not a unary function");
    return in.dtype == DType::kI8 ? unary_affine<int8_t>(args, fn)
                                  : unary_affine<uint8_t>(args, fn);
  }
  const auto* leaky = args.attrs<LeakyReluAttrs>();
  if (fn == UnaryFn::kLeakyRelu && !leaky) return missing_attrs(args);
  return unary(fn, args.input(0), args.outputs[0], leaky ? leaky->alpha : 0.0f);
}

}  // namespace odin::ref
