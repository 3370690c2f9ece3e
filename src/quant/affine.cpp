#include "quant/affine.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace odin {

FixedPointMultiplier quantize_multiplier(double real) {
  FixedPointMultiplier m;
  if (!(real > 0.0) || !std::isfinite(real)) return m;
  int exponent = 0;
  const double mantissa = std::frexp(real, &exponent);  // in [0.5, 1)
  auto q = static_cast<int64_t>(std::round(mantissa * static_cast<double>(int64_t{1} << 31)));
  if (q == (int64_t{1} << 31)) {  // rounded up to 1.0
    q /= 2;
    ++exponent;
  }
  if (exponent < -31) return {};  // below what 31 bits of right shift reach: 0
  if (exponent > 30) {            // saturate: no int32 input survives such a factor
    exponent = 30;
    q = std::numeric_limits<int32_t>::max();
  }
  m.multiplier = static_cast<int32_t>(q);
  m.shift = exponent;
  return m;
}

namespace {

// a * b / 2^31 rounded to nearest, ties up: the nudge of +-2^30 then C++'s
// division toward zero (gemmlowp's SaturatingRoundingDoublingHighMul).
int32_t doubling_high_mul(int32_t a, int32_t b) {
  if (a == std::numeric_limits<int32_t>::min() && b == a)
    return std::numeric_limits<int32_t>::max();
  const int64_t ab = static_cast<int64_t>(a) * b;
  const int64_t nudge = ab >= 0 ? (int64_t{1} << 30) : (1 - (int64_t{1} << 30));
  return static_cast<int32_t>((ab + nudge) / (int64_t{1} << 31));
}

// x / 2^exponent rounded to nearest, ties away from zero (RoundingDivideByPOT).
int32_t rounding_shift_right(int32_t x, int exponent) {
  if (exponent <= 0) return x;
  const int32_t mask = static_cast<int32_t>((int64_t{1} << exponent) - 1);
  const int32_t remainder = x & mask;
  const int32_t threshold = (mask >> 1) + (x < 0 ? 1 : 0);
  return (x >> exponent) + (remainder > threshold ? 1 : 0);
}

}  // namespace

int32_t multiply_by_quantized_multiplier(int32_t x, FixedPointMultiplier m) {
  const int left = m.shift > 0 ? m.shift : 0;
  const int right = m.shift > 0 ? 0 : -m.shift;
  // TFLite shifts in int32 (wrapping past 2^31); do it in 64 bits and wrap the same way.
  const auto shifted = static_cast<int32_t>(static_cast<uint32_t>(static_cast<int64_t>(x) << left));
  return rounding_shift_right(doubling_high_mul(shifted, m.multiplier), right);
}

QuantizedRange dtype_range(DType dtype) {
  switch (dtype) {
    case DType::kU8:
      return {0, 255};
    case DType::kI16:
      return {-32768, 32767};
    default:
      return {-128, 127};
  }
}

QuantizedRange quantized_activation_range(Activation act, DType dtype, float scale,
                                          int32_t zero_point) {
  QuantizedRange r = dtype_range(dtype);
  // In double, clamped to the dtype: a tiny scale (6 / 1e-30) stays defined.
  const auto quantize = [&](float f) {
    const double q = static_cast<double>(zero_point) +
                     std::round(static_cast<double>(f) / static_cast<double>(scale));
    if (!(q >= r.min)) return r.min;  // NaN too
    return q > r.max ? r.max : static_cast<int32_t>(q);
  };
  switch (act) {
    case Activation::kRelu:
      r.min = std::max(r.min, quantize(0.0f));
      break;
    case Activation::kRelu6:
      r.min = std::max(r.min, quantize(0.0f));
      r.max = std::min(r.max, quantize(6.0f));
      break;
    case Activation::kReluN1To1:
      r.min = std::max(r.min, quantize(-1.0f));
      r.max = std::min(r.max, quantize(1.0f));
      break;
    default:
      break;
  }
  return r;
}

std::vector<FixedPointMultiplier> output_multipliers(const QuantParams& input,
                                                     const QuantParams& weights,
                                                     const QuantParams& output, int64_t channels) {
  std::vector<FixedPointMultiplier> m(static_cast<size_t>(std::max<int64_t>(channels, 0)));
  const double in_scale = scale_of(input, 0), out_scale = scale_of(output, 0);
  // In double, as TFLite's PopulateConvolutionQuantizationParams.
  for (size_t c = 0; c < m.size(); ++c)
    m[c] = quantize_multiplier(in_scale * static_cast<double>(scale_of(weights, c)) / out_scale);
  return m;
}

AffineAddition affine_addition(float scale_a, float scale_b, float scale_out) {
  constexpr int kLeftShift = 20;
  const double twice_max = 2.0 * static_cast<double>(std::max(scale_a, scale_b));
  AffineAddition p;
  p.a = quantize_multiplier(static_cast<double>(scale_a) / twice_max);
  p.b = quantize_multiplier(static_cast<double>(scale_b) / twice_max);
  p.out = quantize_multiplier(
      twice_max / (static_cast<double>(1 << kLeftShift) * static_cast<double>(scale_out)));
  return p;
}

int32_t add_affine(int32_t a_centered, int32_t b_centered, const AffineAddition& p, bool subtract) {
  constexpr int32_t kHeadroom = 1 << 20;
  const int32_t a = multiply_by_quantized_multiplier(a_centered * kHeadroom, p.a);
  const int32_t b = multiply_by_quantized_multiplier(b_centered * kHeadroom, p.b);
  return multiply_by_quantized_multiplier(subtract ? a - b : a + b, p.out);
}

bool integer_addition(float a_ratio, float b_ratio, int32_t zero_a, int32_t zero_b, bool subtract,
                      IntegerAddition* out) {
  const auto fits = [](float r) { return r >= 0x1.0p-10f && r < 0x1.0p+8f; };
  if (!fits(a_ratio) || !fits(b_ratio)) return false;
  // 20 bits of multiplier below the larger ratio's leading bit: shift in [12, 30].
  const int shift = 20 - std::ilogb(std::max(a_ratio, b_ratio));
  // The ratio times 2^shift (exact) rounded to nearest even, as lrintf.
  const auto multiplier = [&](float r) {
    return static_cast<int32_t>(std::nearbyint(std::ldexp(r, shift)));
  };
  IntegerAddition p;
  p.shift = shift;
  p.a_multiplier = multiplier(a_ratio);
  p.b_multiplier = subtract ? -multiplier(b_ratio) : multiplier(b_ratio);
  // |m| <= 2^21 and |zero| <= 255: the bias fits int32.
  p.bias = (int32_t{1} << (shift - 1)) - p.a_multiplier * zero_a - p.b_multiplier * zero_b;
  *out = p;
  return true;
}

int32_t quantize_value(float x, float scale, int32_t zero_point, DType dtype) {
  const QuantizedRange r = dtype_range(dtype);
  const float q = std::round(x / scale) + static_cast<float>(zero_point);
  if (!(q >= static_cast<float>(r.min))) return r.min;  // NaN too
  if (q > static_cast<float>(r.max)) return r.max;
  return static_cast<int32_t>(q);
}

QuantParams asymmetric_params(float lo, float hi, DType dtype) {
  const QuantizedRange r = dtype_range(dtype);
  lo = std::min(lo, 0.0f);
  hi = std::max(hi, 0.0f);
  const double levels = static_cast<double>(r.max) - r.min;
  double scale = (static_cast<double>(hi) - lo) / levels;
  if (!(scale > 0) || !std::isfinite(scale)) scale = 1.0 / levels;  // an all-zero tensor
  const double zero = std::round(r.min - lo / scale);
  QuantParams q;
  q.scales = {static_cast<float>(scale)};
  q.zero_points = {static_cast<int64_t>(std::clamp<double>(zero, r.min, r.max))};
  return q;
}

SymmetricWeights quantize_symmetric(std::span<const float> w, const Shape& shape, int axis,
                                    int bits) {
  const float qmax = static_cast<float>((1 << (bits - 1)) - 1);
  // Slices along `axis`: index i belongs to slice (i / inner) % channels.
  int64_t channels = 1, inner = static_cast<int64_t>(w.size());
  if (axis >= 0) {
    channels = shape[static_cast<size_t>(axis)];
    inner = 1;
    for (size_t d = static_cast<size_t>(axis) + 1; d < shape.rank(); ++d) inner *= shape[d];
  }
  std::vector<float> absmax(static_cast<size_t>(channels), 0.0f);
  for (size_t i = 0; i < w.size(); ++i) {
    const auto c = static_cast<size_t>((static_cast<int64_t>(i) / inner) % channels);
    absmax[c] = std::max(absmax[c], std::fabs(w[i]));
  }
  SymmetricWeights out;
  out.params.axis = std::max(axis, 0);
  out.params.bits = bits;
  for (float m : absmax) {
    out.params.scales.push_back(m > 0 ? m / qmax : 1.0f);
    out.params.zero_points.push_back(0);
  }
  out.values.resize(w.size());
  for (size_t i = 0; i < w.size(); ++i) {
    const auto c = static_cast<size_t>((static_cast<int64_t>(i) / inner) % channels);
    const float q = std::round(w[i] / out.params.scales[c]);
    out.values[i] = static_cast<int8_t>(std::clamp(q, -qmax, qmax));
  }
  return out;
}

std::vector<int32_t> quantize_bias(std::span<const float> bias, float input_scale,
                                   const QuantParams& weights, QuantParams* params) {
  params->scales.clear();
  params->zero_points.clear();
  params->axis = 0;
  std::vector<int32_t> q(bias.size());
  for (size_t c = 0; c < bias.size(); ++c) {
    const double s = static_cast<double>(input_scale) * scale_of(weights, c);
    const double v = std::round(bias[c] / s);
    q[c] = static_cast<int32_t>(std::clamp<double>(v, INT32_MIN, INT32_MAX));
    if (weights.scales.size() > 1 || c == 0) {
      params->scales.push_back(static_cast<float>(s));
      params->zero_points.push_back(0);
    }
  }
  return q;
}

}  // namespace odin
