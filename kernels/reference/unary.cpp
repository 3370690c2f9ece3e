// Elementwise float32 activations. Formulas follow TFLite's reference kernels
// (tensorflow/lite/kernels/internal/reference/{gelu,hard_swish,leaky_relu}.h).
#include <algorithm>
#include <cmath>

#include "kernels/reference/index_walk.h"
#include "kernels/reference/ref_util.h"
#include "kernels/reference/reference.h"

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

}  // namespace

Status unary(UnaryFn fn, const ConstTensorView& in, const TensorView& out, float leaky_alpha) {
  constexpr const char* name = "unary";
  ODIN_RETURN_IF_ERROR(expect_same_dtype(name, in, out));
  if (in.dtype != DType::kF32)
    return make_error(StatusCode::kUnsupported, name, ": dtype ", dtype_name(in.dtype));
  ODIN_RETURN_IF_ERROR(expect_out_shape(name, out, in.shape));

  const float* x = in.as<float>();
  float* y = out.as<float>();
  const int64_t n = in.num_elements();
  for (int64_t i = 0; i < n; ++i) {
    const float v = x[i];
    float r;
    switch (fn) {
      case UnaryFn::kLogistic:
        r = 1.0f / (1.0f + std::exp(-v));
        break;
      case UnaryFn::kRelu:
        r = std::max(v, 0.0f);
        break;
      case UnaryFn::kReluN1To1:
        r = std::clamp(v, -1.0f, 1.0f);
        break;
      case UnaryFn::kRelu6:
        r = std::clamp(v, 0.0f, 6.0f);
        break;
      case UnaryFn::kTanh:
        r = std::tanh(v);
        break;
      case UnaryFn::kHardSwish:
        r = v * std::clamp(v + 3.0f, 0.0f, 6.0f) / 6.0f;
        break;
      case UnaryFn::kLeakyRelu:
        r = v > 0.0f ? v : v * leaky_alpha;
        break;
      case UnaryFn::kRsqrt:
        r = 1.0f / std::sqrt(v);
        break;
      case UnaryFn::kGelu:
        r = gelu(v, false);
        break;
      case UnaryFn::kGeluTanh:
        r = gelu(v, true);
        break;
      default:
        return make_error(StatusCode::kInternal, name, ": function ", static_cast<int>(fn),
                          " is not a unary function");
    }
    y[i] = r;
  }
  return Status();
}

Status unary_node(const KernelArgs& args) {
  const UnaryFn fn = unary_fn_of(args.node);
  const auto* leaky = args.attrs<LeakyReluAttrs>();
  if (fn == UnaryFn::kLeakyRelu && !leaky) return missing_attrs(args);
  return unary(fn, args.input(0), args.outputs[0], leaky ? leaky->alpha : 0.0f);
}

}  // namespace odin::ref
