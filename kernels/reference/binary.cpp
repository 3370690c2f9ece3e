// ADD, SUB, MUL, DIV with numpy broadcasting and a fused activation.
#include <algorithm>
#include <limits>

#include "kernels/reference/index_walk.h"
#include "kernels/reference/reference.h"
#include "ops/broadcast.h"

namespace odin::ref {
namespace {

float apply_f32(OpType op, float x, float y) {
  switch (op) {
    case OpType::kAdd:
      return x + y;
    case OpType::kSub:
      return x - y;
    case OpType::kMul:
      return x * y;
    default:
      return x / y;  // IEEE: x/0 is +-inf or nan, as in TFLite
  }
}

// int32 activations clamp to the range TFLite's CalculateActivationRange
// gives (kernel_util.h); tanh and sign-bit are rejected by shape inference.
int32_t activate_i32(Activation act, int32_t v) {
  int32_t lo = std::numeric_limits<int32_t>::min(), hi = std::numeric_limits<int32_t>::max();
  if (act == Activation::kRelu) lo = 0;
  if (act == Activation::kRelu6) lo = 0, hi = 6;
  if (act == Activation::kReluN1To1) lo = -1, hi = 1;
  return std::clamp(v, lo, hi);
}

}  // namespace

Status binary(OpType op, const BinaryAttrs& attrs, const ConstTensorView& a,
              const ConstTensorView& b, const TensorView& out) {
  const char* name = op_type_name(op).data();
  ODIN_RETURN_IF_ERROR(expect_same_dtype(name, a, out));
  ODIN_RETURN_IF_ERROR(expect_same_dtype(name, b, out));
  if (a.dtype != DType::kF32 && a.dtype != DType::kI32)
    return make_error(StatusCode::kUnsupported, name, ": dtype ", dtype_name(a.dtype));
  if (op != OpType::kAdd && op != OpType::kSub && op != OpType::kMul && op != OpType::kDiv)
    return make_error(StatusCode::kInternal, name, " is not a binary op");
  Shape shape;
  if (!broadcast_shapes(a.shape, b.shape, &shape))
    return make_error(StatusCode::kInvalidArgument, name, ": shapes ", a.shape.str(), " and ",
                      b.shape.str(), " do not broadcast");
  ODIN_RETURN_IF_ERROR(expect_out_shape(name, out, shape));
  const std::array<std::vector<int64_t>, 2> strides = {broadcast_strides(a.shape, shape.rank()),
                                                       broadcast_strides(b.shape, shape.rank())};
  int64_t o = 0;
  Status status;
  if (a.dtype == DType::kF32) {
    const float* x = a.as<float>();
    const float* y = b.as<float>();
    float* z = out.as<float>();
    walk(shape.dims(), strides, {0, 0}, [&](const std::array<int64_t, 2>& i) {
      z[o++] = apply_activation(attrs.activation, apply_f32(op, x[i[0]], y[i[1]]));
    });
    return status;
  }
  const int32_t* x = a.as<int32_t>();
  const int32_t* y = b.as<int32_t>();
  int32_t* z = out.as<int32_t>();
  walk(shape.dims(), strides, {0, 0}, [&](const std::array<int64_t, 2>& i) {
    const int64_t p = x[i[0]], q = y[i[1]];
    int64_t r = 0;
    switch (op) {
      case OpType::kAdd:
        r = p + q;
        break;
      case OpType::kSub:
        r = p - q;
        break;
      case OpType::kMul:
        r = p * q;
        break;
      default:
        if (q == 0) {
          if (status.ok())
            status = make_error(StatusCode::kInvalidArgument, "DIV: int32 division by zero");
        } else {
          r = p / q;  // truncates toward zero, like TFLite's int32 DIV
        }
    }
    // Wraps on overflow (two's complement), as TFLite's int32 loops do in practice.
    z[o++] = activate_i32(attrs.activation, static_cast<int32_t>(r));
  });
  return status;
}

}  // namespace odin::ref
