// ADD, SUB, MUL, DIV, SQUARED_DIFFERENCE with numpy broadcasting and a fused
// activation. An
// operand with a folded zero PAD (BinaryAttrs::operand_pad) is padded into a
// temporary first: the plainest statement of what the fold means.
#include <algorithm>
#include <limits>

#include "kernels/reference/index_walk.h"
#include "kernels/reference/ref_util.h"
#include "kernels/reference/reference.h"
#include "ops/broadcast.h"
#include "quant/affine.h"

namespace odin::ref {
namespace {

float apply_f32(BinaryFn fn, float x, float y) {
  switch (fn) {
    case BinaryFn::kAdd:
      return x + y;
    case BinaryFn::kSub:
      return x - y;
    case BinaryFn::kMul:
      return x * y;
    case BinaryFn::kSquaredDifference: {
      const float d = x - y;
      return d * d;
    }
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

Status binary(BinaryFn fn, Activation activation, const ConstTensorView& a,
              const ConstTensorView& b, const TensorView& out) {
  constexpr const char* name = "binary";
  ODIN_RETURN_IF_ERROR(expect_same_dtype(name, a, out));
  ODIN_RETURN_IF_ERROR(expect_same_dtype(name, b, out));
  if (a.dtype != DType::kF32 && a.dtype != DType::kI32)
    return make_error(StatusCode::kUnsupported, name, ": dtype ", dtype_name(a.dtype));
  if (fn != BinaryFn::kAdd && fn != BinaryFn::kSub && fn != BinaryFn::kMul &&
      fn != BinaryFn::kDiv && fn != BinaryFn::kSquaredDifference)
    return make_error(StatusCode::kInternal, name, ": function ", static_cast<int>(fn),
                      " is not ADD, SUB, MUL, DIV or SQUARED_DIFFERENCE");
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
      z[o++] = apply_activation(activation, apply_f32(fn, x[i[0]], y[i[1]]));
    });
    return status;
  }
  const int32_t* x = a.as<int32_t>();
  const int32_t* y = b.as<int32_t>();
  int32_t* z = out.as<int32_t>();
  walk(shape.dims(), strides, {0, 0}, [&](const std::array<int64_t, 2>& i) {
    const int64_t p = x[i[0]], q = y[i[1]];
    int64_t r = 0;
    switch (fn) {
      case BinaryFn::kAdd:
        r = p + q;
        break;
      case BinaryFn::kSub:
        r = p - q;
        break;
      case BinaryFn::kMul:
        r = p * q;
        break;
      case BinaryFn::kSquaredDifference:
        r = (p - q) * (p - q);
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
    z[o++] = activate_i32(activation, static_cast<int32_t>(r));
  });
  return status;
}

namespace {

// ADD, SUB, MUL on int8/uint8 with TFLite's integer arithmetic (quant/
// affine.h; MUL: the centered product rescaled by scale_a scale_b / scale_out).
template <typename T>
Status binary_affine(const KernelArgs& args, BinaryFn fn, Activation activation) {
  constexpr const char* name = "binary";
  const ConstTensorView a = args.input(0), b = args.input(1);
  const TensorView& out = args.outputs[0];
  ODIN_RETURN_IF_ERROR(expect_same_dtype(name, a, out));
  ODIN_RETURN_IF_ERROR(expect_same_dtype(name, b, out));
  if (fn != BinaryFn::kAdd && fn != BinaryFn::kSub && fn != BinaryFn::kMul)
    return make_error(StatusCode::kUnsupported, name, ": ", dtype_name(a.dtype),
                      " only for ADD, SUB and MUL");
  const Graph& g = args.graph;
  const Value& va = g.value(args.node.inputs[0]);
  const Value& vb = g.value(args.node.inputs[1]);
  const Value& vo = g.value(args.node.outputs[0]);
  for (const Value* v : {&va, &vb, &vo})
    if (!v->quant || v->quant->scales.empty())
      return bad_shape(name, "quantized operand '", v->name, "' has no scale");
  Shape shape;
  if (!broadcast_shapes(a.shape, b.shape, &shape))
    return bad_shape(name, "shapes ", a.shape.str(), " and ", b.shape.str(), " do not broadcast");
  ODIN_RETURN_IF_ERROR(expect_out_shape(name, out, shape));
  const float sa = scale_of(*va.quant, 0), sb = scale_of(*vb.quant, 0), so = scale_of(*vo.quant, 0);
  const int32_t za = zero_point_of(*va.quant, 0), zb = zero_point_of(*vb.quant, 0);
  const int32_t zo = zero_point_of(*vo.quant, 0);
  const QuantizedRange range = quantized_activation_range(activation, out.dtype, so, zo);
  const AffineAddition add = affine_addition(sa, sb, so);
  const FixedPointMultiplier mul = quantize_multiplier(
      static_cast<double>(sa) * static_cast<double>(sb) / static_cast<double>(so));
  const std::array<std::vector<int64_t>, 2> strides = {broadcast_strides(a.shape, shape.rank()),
                                                       broadcast_strides(b.shape, shape.rank())};
  const T* x = a.as<T>();
  const T* y = b.as<T>();
  T* z = out.as<T>();
  int64_t o = 0;
  walk(shape.dims(), strides, {0, 0}, [&](const std::array<int64_t, 2>& i) {
    const int32_t p = static_cast<int32_t>(x[i[0]]) - za, q = static_cast<int32_t>(y[i[1]]) - zb;
    const int32_t r = fn == BinaryFn::kMul ? multiply_by_quantized_multiplier(p * q, mul)
                                           : add_affine(p, q, add, fn == BinaryFn::kSub);
    z[o++] = static_cast<T>(std::clamp<int64_t>(int64_t{r} + zo, range.min, range.max));
  });
  return Status();
}

}  // namespace

Status binary_node(const KernelArgs& args) {
  const auto* attrs = args.attrs<BinaryAttrs>();
  if (!attrs) return missing_attrs(args);
  const BinaryFn fn = op_def(args.node.op).binary_fn;
  if (args.input(0).dtype == DType::kI8) return binary_affine<int8_t>(args, fn, attrs->activation);
  if (args.input(0).dtype == DType::kU8) return binary_affine<uint8_t>(args, fn, attrs->activation);
  const OperandPad& p = attrs->operand_pad;
  if (!p.active())
    return binary(fn, attrs->activation, args.input(0), args.input(1), args.outputs[0]);
  if (p.input > 1) return bad_shape("binary", "padded operand ", p.input, " out of range");
  // Pad the operand into a temporary with the PAD kernel, then compute.
  const ConstTensorView src = args.input(static_cast<size_t>(p.input));
  const size_t rank = src.shape.rank();
  if (rank > 4 || !valid_view(src))
    return bad_shape("binary", "padded operand must be static, rank <= 4");
  std::vector<int64_t> pads(2 * rank), dims(rank);
  for (size_t d = 0; d < rank; ++d) {
    pads[2 * d] = p.before[4 - rank + d];
    pads[2 * d + 1] = p.after[4 - rank + d];
    dims[d] = src.shape[d] + pads[2 * d] + pads[2 * d + 1];
  }
  const Shape padded_shape(dims);
  if (padded_shape.num_elements() < 0) return bad_shape("binary", "padded operand too large");
  std::vector<uint8_t> padded(static_cast<size_t>(padded_shape.num_elements()) *
                              dtype_size(src.dtype));
  const TensorView padded_view{src.dtype, padded_shape, padded.data()};
  ODIN_RETURN_IF_ERROR(
      pad(src, ConstTensorView{DType::kI64, Shape{static_cast<int64_t>(rank), 2}, pads.data()},
          padded_view));
  const ConstTensorView a = p.input == 0 ? ConstTensorView(padded_view) : args.input(0);
  const ConstTensorView b = p.input == 1 ? ConstTensorView(padded_view) : args.input(1);
  return binary(fn, attrs->activation, a, b, args.outputs[0]);
}

}  // namespace odin::ref
