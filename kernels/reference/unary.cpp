// Elementwise float32 activations. Formulas follow TFLite's reference kernels
// (tensorflow/lite/kernels/internal/reference/{gelu,hard_swish,leaky_relu}.h).
#include <algorithm>
#include <cmath>

#include "kernels/reference/index_walk.h"
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

Status unary(OpType op, const OpAttrs& attrs, const ConstTensorView& in, const TensorView& out) {
  const char* name = op_type_name(op).data();
  ODIN_RETURN_IF_ERROR(expect_same_dtype(name, in, out));
  if (in.dtype != DType::kF32)
    return make_error(StatusCode::kUnsupported, name, ": dtype ", dtype_name(in.dtype));
  ODIN_RETURN_IF_ERROR(expect_out_shape(name, out, in.shape));
  const auto* leaky = std::get_if<LeakyReluAttrs>(&attrs);
  const auto* gelu_attrs = std::get_if<GeluAttrs>(&attrs);
  if (op == OpType::kLeakyRelu && !leaky)
    return make_error(StatusCode::kInvalidArgument, name, ": missing LeakyReluAttrs");
  if (op == OpType::kGelu && !gelu_attrs)
    return make_error(StatusCode::kInvalidArgument, name, ": missing GeluAttrs");

  const float* x = in.as<float>();
  float* y = out.as<float>();
  const int64_t n = in.num_elements();
  for (int64_t i = 0; i < n; ++i) {
    const float v = x[i];
    float r;
    switch (op) {
      case OpType::kLogistic:
        r = 1.0f / (1.0f + std::exp(-v));
        break;
      case OpType::kRelu:
        r = std::max(v, 0.0f);
        break;
      case OpType::kReluN1To1:
        r = std::clamp(v, -1.0f, 1.0f);
        break;
      case OpType::kRelu6:
        r = std::clamp(v, 0.0f, 6.0f);
        break;
      case OpType::kTanh:
        r = std::tanh(v);
        break;
      case OpType::kHardSwish:
        r = v * std::clamp(v + 3.0f, 0.0f, 6.0f) / 6.0f;
        break;
      case OpType::kLeakyRelu:
        r = v > 0.0f ? v : v * leaky->alpha;
        break;
      case OpType::kRsqrt:
        r = 1.0f / std::sqrt(v);
        break;
      case OpType::kGelu:
        r = gelu(v, gelu_attrs->approximate);
        break;
      default:
        return make_error(StatusCode::kInternal, name, " is not a unary op");
    }
    y[i] = r;
  }
  return Status();
}

}  // namespace odin::ref
