// The arithmetic of the reference kernels with weights (CONV_2D,
// DEPTHWISE_CONV_2D, FULLY_CONNECTED), so each keeps one loop nest for
// float32 and for affine int8/uint8:
//   FloatArith:  acc += x * w (float), then + bias, + a fused addend, fused
//                activation, a fused PRELU.
//   AffineArith: acc += (x - x_zero) * (w - w_zero[c]) (int32), + int32
//                bias, requantized per output channel to the output's scale
//                and zero point, clamped to the activation's range
//                (TFLite reference_integer_ops).
#pragma once

#include <algorithm>
#include <limits>
#include <vector>

#include "kernels/reference/ref_util.h"
#include "quant/affine.h"

namespace odin::ref {

struct FloatArith {
  using In = float;
  using Acc = float;
  const float* bias = nullptr;  // one per output channel, or null
  Activation activation = Activation::kNone;
  float* y = nullptr;
  const float* addend = nullptr;  // like y, or null: a fused residual ADD
  const float* alpha = nullptr;   // one per output channel, or null: a fused PRELU

  static Acc product(In x, In w, int64_t /*channel*/) { return x * w; }
  void finish(int64_t index, int64_t channel, Acc acc) const {
    if (bias) acc += bias[channel];
    if (addend) acc += addend[index];  // rounded as the separate ADD would
    const float v = apply_activation(activation, acc);
    y[index] = alpha && !(v >= 0.0f) ? v * alpha[channel] : v;  // as reference PRELU
  }
};

template <typename T>
struct AffineArith {
  using In = T;
  // TFLite sums in int32; 64 bits keep a hostile model's overflow defined
  // (saturated before requantizing) without changing any real model's sums.
  using Acc = int64_t;
  int32_t x_zero = 0;
  std::vector<int32_t> w_zero;                   // per output channel
  const int32_t* bias = nullptr;                 // per output channel, or null
  std::vector<FixedPointMultiplier> multiplier;  // per output channel
  int32_t y_zero = 0;
  QuantizedRange range;
  T* y = nullptr;

  Acc product(In x, In w, int64_t channel) const {
    return int64_t{static_cast<int32_t>(x) - x_zero} *
           (static_cast<int32_t>(w) - w_zero[static_cast<size_t>(channel)]);
  }
  void finish(int64_t index, int64_t c, Acc acc) const {
    if (bias) acc += bias[c];
    const auto sum = static_cast<int32_t>(std::clamp<int64_t>(
        acc, std::numeric_limits<int32_t>::min(), std::numeric_limits<int32_t>::max()));
    const int64_t v =
        int64_t{multiply_by_quantized_multiplier(sum, multiplier[static_cast<size_t>(c)])} + y_zero;
    y[index] = static_cast<T>(std::clamp<int64_t>(v, range.min, range.max));
  }
};

// The views' dtypes: all float32 (bias float32), or input, weights and
// output one affine dtype T with an int32 bias. Returns the dtype.
inline Result<DType> weighted_dtype(const char* op, const ConstTensorView& in,
                                    const ConstTensorView& weights, const ConstTensorView& bias,
                                    const ConstTensorView& out) {
  if (is_affine_dtype(in.dtype)) {
    if (weights.dtype != in.dtype || out.dtype != in.dtype)
      return make_error(StatusCode::kUnsupported, "reference ", op, ": input ",
                        dtype_name(in.dtype), " with weights ", dtype_name(weights.dtype),
                        " and output ", dtype_name(out.dtype));
    if (!bias.empty() && bias.dtype != DType::kI32)
      return make_error(StatusCode::kUnsupported, "reference ", op, ": bias ",
                        dtype_name(bias.dtype), " with quantized input (int32 expected)");
    return in.dtype;
  }
  ODIN_RETURN_IF_ERROR(expect_f32(op, "input", in));
  ODIN_RETURN_IF_ERROR(expect_f32(op, "output", out));
  if (!bias.empty()) ODIN_RETURN_IF_ERROR(expect_f32(op, "bias", bias));
  return DType::kF32;
}

// The affine arithmetic of node args (inputs 0, 1, optional 2; output 0)
// with `channels` output channels; the tables were checked by inference.
template <typename T>
Result<AffineArith<T>> affine_arith(const char* op, const KernelArgs& args, int64_t channels,
                                    Activation activation) {
  const Graph& g = args.graph;
  const Value& x = g.value(args.node.inputs[0]);
  const Value& w = g.value(args.node.inputs[1]);
  const Value& y = g.value(args.node.outputs[0]);
  if (!x.quant || !w.quant || !y.quant || x.quant->scales.empty() || w.quant->scales.empty() ||
      y.quant->scales.empty())
    return bad_shape(op, "quantized input, weights and output need scales");
  AffineArith<T> a;
  a.x_zero = zero_point_of(*x.quant, 0);
  a.w_zero.resize(static_cast<size_t>(channels));
  for (int64_t c = 0; c < channels; ++c)
    a.w_zero[static_cast<size_t>(c)] = zero_point_of(*w.quant, static_cast<size_t>(c));
  a.multiplier = output_multipliers(*x.quant, *w.quant, *y.quant, channels);
  a.y_zero = zero_point_of(*y.quant, 0);
  a.range = quantized_activation_range(activation, y.dtype, scale_of(*y.quant, 0), a.y_zero);
  const ConstTensorView bias = args.input(2);
  a.bias = bias.empty() ? nullptr : bias.as<int32_t>();
  a.y = args.outputs[0].as<T>();
  return a;
}

// Runs loops(arith, x, w) with the affine arithmetic of the node's dtype
// (int8 or uint8; the views must agree: weighted_dtype).
template <typename Loops>
Status run_affine(const char* op, const KernelArgs& args, int64_t channels, Activation activation,
                  const Loops& loops) {
  const ConstTensorView in = args.input(0), w = args.input(1);
  ODIN_ASSIGN_OR_RETURN(const DType t, weighted_dtype(op, in, w, args.input(2), args.outputs[0]));
  if (t == DType::kI8) {
    ODIN_ASSIGN_OR_RETURN(const AffineArith<int8_t> a,
                          affine_arith<int8_t>(op, args, channels, activation));
    loops(a, in.as<int8_t>(), w.as<int8_t>());
  } else if (t == DType::kU8) {
    ODIN_ASSIGN_OR_RETURN(const AffineArith<uint8_t> a,
                          affine_arith<uint8_t>(op, args, channels, activation));
    loops(a, in.as<uint8_t>(), w.as<uint8_t>());
  } else {
    return bad_shape(op, "input ", dtype_name(t), " is not int8 or uint8");
  }
  return Status();
}

}  // namespace odin::ref
