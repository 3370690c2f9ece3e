// quant/affine.h: TFLite's fixed-point requantization, checked on values
// worked out by hand and against an exact rational model of its two
// rounding steps over many random multipliers and inputs.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <random>

#include "quant/affine.h"

namespace odin {
namespace {

TEST(Affine, QuantizeMultiplierPowersOfTwo) {
  const FixedPointMultiplier half = quantize_multiplier(0.5);
  EXPECT_EQ(half.multiplier, int32_t{1} << 30);
  EXPECT_EQ(half.shift, 0);
  const FixedPointMultiplier quarter = quantize_multiplier(0.25);
  EXPECT_EQ(quarter.multiplier, int32_t{1} << 30);
  EXPECT_EQ(quarter.shift, -1);
  const FixedPointMultiplier three = quantize_multiplier(3.0);
  EXPECT_EQ(three.multiplier, int32_t{3} << 29);
  EXPECT_EQ(three.shift, 2);
  EXPECT_EQ(quantize_multiplier(0.0).multiplier, 0);
  EXPECT_EQ(quantize_multiplier(1e-12).multiplier, 0);  // below 2^-31: zero
  EXPECT_EQ(quantize_multiplier(-1.0).multiplier, 0);
  EXPECT_EQ(quantize_multiplier(std::nan("")).multiplier, 0);
}

TEST(Affine, MantissaRoundingUpToOneMovesTheExponent) {
  // Just below 1.0: the 31-bit mantissa rounds to 2^31, taken as 2^30 with
  // one more bit of exponent.
  const FixedPointMultiplier m = quantize_multiplier(1.0 - 1e-12);
  EXPECT_EQ(m.multiplier, int32_t{1} << 30);
  EXPECT_EQ(m.shift, 1);
}

// The doubling high product rounds ties up (toward +infinity); the right
// shift rounds them away from zero.
TEST(Affine, TieRounding) {
  const FixedPointMultiplier half = quantize_multiplier(0.5);  // shift 0: the product's rounding
  EXPECT_EQ(multiply_by_quantized_multiplier(3, half), 2);     // 1.5
  EXPECT_EQ(multiply_by_quantized_multiplier(-3, half), -1);   // -1.5
  EXPECT_EQ(multiply_by_quantized_multiplier(5, half), 3);     // 2.5
  EXPECT_EQ(multiply_by_quantized_multiplier(-5, half), -2);   // -2.5
  const FixedPointMultiplier quarter = quantize_multiplier(0.25);  // the shift's rounding
  EXPECT_EQ(multiply_by_quantized_multiplier(6, quarter), 2);      // 1.5
  EXPECT_EQ(multiply_by_quantized_multiplier(-6, quarter), -2);    // -1.5
  // Both: 5 x 1/2 = 2.5 rounds up to 3, then 3 / 2 = 1.5 rounds to 2 (one
  // rounding of 1.25 would give 1).
  EXPECT_EQ(multiply_by_quantized_multiplier(5, quarter), 2);
}

TEST(Affine, LargeMultiplierShiftsLeftFirst) {
  const FixedPointMultiplier m = quantize_multiplier(3.0);
  EXPECT_EQ(multiply_by_quantized_multiplier(1000, m), 3000);
  EXPECT_EQ(multiply_by_quantized_multiplier(-1000, m), -3000);
}

TEST(Affine, SaturatesTheOneOverflow) {
  const FixedPointMultiplier m{std::numeric_limits<int32_t>::min(), 0};
  EXPECT_EQ(multiply_by_quantized_multiplier(std::numeric_limits<int32_t>::min(), m),
            std::numeric_limits<int32_t>::max());
}

// TFLite's two steps in exact int64 arithmetic: h = x' * M / 2^31 rounded
// half up, then h / 2^r rounded half away from zero.
int64_t model(int32_t x, FixedPointMultiplier m) {
  const int left = m.shift > 0 ? m.shift : 0, right = m.shift > 0 ? 0 : -m.shift;
  const auto xs = static_cast<int64_t>(static_cast<int32_t>(static_cast<uint32_t>(x) << left));
  const auto floor_div = [](int64_t num, int64_t den) {  // den > 0
    return num >= 0 ? num / den : -((-num + den - 1) / den);
  };
  const int64_t den = int64_t{1} << 31;
  const int64_t h = floor_div(2 * xs * m.multiplier + den, 2 * den);  // floor(v + 1/2)
  if (!right) return h;
  const int64_t d = int64_t{1} << right;
  const int64_t q = floor_div(std::llabs(h) * 2 + d, 2 * d);  // |h| / d rounded half up
  return h >= 0 ? q : -q;
}

TEST(Affine, MatchesExactModelOnRandomValues) {
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> log_real(-20.0, 3.0);
  std::uniform_int_distribution<int32_t> acc(-(1 << 22), 1 << 22);
  for (int i = 0; i < 20000; ++i) {
    const FixedPointMultiplier m = quantize_multiplier(std::exp2(log_real(rng)));
    const int32_t x = acc(rng);
    ASSERT_EQ(multiply_by_quantized_multiplier(x, m), model(x, m))
        << "x " << x << " multiplier " << m.multiplier << " shift " << m.shift;
  }
}

TEST(Affine, ActivationRanges) {
  // Output scale 0.1, zero point -10: 0 -> -10, 6 -> 50, +-1 -> 0 / -20.
  const QuantizedRange none = quantized_activation_range(Activation::kNone, DType::kI8, 0.1f, -10);
  EXPECT_EQ(none.min, -128);
  EXPECT_EQ(none.max, 127);
  const QuantizedRange relu6 =
      quantized_activation_range(Activation::kRelu6, DType::kI8, 0.1f, -10);
  EXPECT_EQ(relu6.min, -10);
  EXPECT_EQ(relu6.max, 50);
  const QuantizedRange n1 =
      quantized_activation_range(Activation::kReluN1To1, DType::kI8, 0.1f, -10);
  EXPECT_EQ(n1.min, -20);
  EXPECT_EQ(n1.max, 0);
  const QuantizedRange u8 = quantized_activation_range(Activation::kRelu6, DType::kU8, 0.04f, 128);
  EXPECT_EQ(u8.min, 128);
  EXPECT_EQ(u8.max, 255);  // 6 / 0.04 + 128 = 278, clamped into the dtype
}

TEST(Affine, ActivationRangeOfATinyScaleStaysInTheDtype) {
  // A hostile table: 6 / 1e-30 is far past int32; the range is the dtype's.
  const QuantizedRange r = quantized_activation_range(Activation::kRelu6, DType::kI8, 1e-30f, 3);
  EXPECT_EQ(r.min, 3);
  EXPECT_EQ(r.max, 127);
  const QuantizedRange n1 =
      quantized_activation_range(Activation::kReluN1To1, DType::kI8, 1e-30f, 3);
  EXPECT_EQ(n1.min, -128);
  EXPECT_EQ(n1.max, 127);
}

TEST(Affine, QuantizeValueRoundsAwayAndClamps) {
  EXPECT_EQ(quantize_value(0.25f, 0.5f, 0, DType::kI8), 1);    // 0.5 -> 1
  EXPECT_EQ(quantize_value(-0.25f, 0.5f, 0, DType::kI8), -1);  // -0.5 -> -1
  EXPECT_EQ(quantize_value(1000.0f, 0.5f, 3, DType::kI8), 127);
  EXPECT_EQ(quantize_value(-1000.0f, 0.5f, 3, DType::kU8), 0);
  EXPECT_EQ(quantize_value(std::nanf(""), 0.5f, 3, DType::kI8), -128);
}

TEST(Affine, AsymmetricParamsCoverTheRangeAndZero) {
  const QuantParams q = asymmetric_params(-1.0f, 3.0f, DType::kI8);
  EXPECT_FLOAT_EQ(q.scales[0], 4.0f / 255);
  EXPECT_EQ(q.zero_points[0], -64);  // -128 + 1 / (4 / 255) = -64.25
  // A range that misses 0 is widened to hold it: 0 stays exact.
  const QuantParams pos = asymmetric_params(2.0f, 5.1f, DType::kI8);
  EXPECT_FLOAT_EQ(pos.scales[0], 5.1f / 255);
  EXPECT_EQ(pos.zero_points[0], -128);
  const QuantParams u8 = asymmetric_params(-2.0f, 0.0f, DType::kU8);
  EXPECT_EQ(u8.zero_points[0], 255);
  // All zeros: a valid (positive) scale all the same.
  EXPECT_GT(asymmetric_params(0, 0, DType::kI8).scales[0], 0.0f);
}

TEST(Affine, SymmetricWeightsPerChannelAndPerTensor) {
  // [2, 3]: channel 0 spans +-1, channel 1 +-4.
  const std::vector<float> w = {1.0f, -0.5f, 0.25f, 4.0f, -2.0f, 0.0f};
  const Shape shape({2, 3});
  const SymmetricWeights pc = quantize_symmetric(w, shape, 0);
  ASSERT_EQ(pc.params.scales.size(), 2u);
  EXPECT_FLOAT_EQ(pc.params.scales[0], 1.0f / 127);
  EXPECT_FLOAT_EQ(pc.params.scales[1], 4.0f / 127);
  EXPECT_EQ(pc.values, (std::vector<int8_t>{127, -64, 32, 127, -64, 0}));
  const SymmetricWeights pt = quantize_symmetric(w, shape, -1);
  ASSERT_EQ(pt.params.scales.size(), 1u);
  EXPECT_EQ(pt.values[3], 127);
  EXPECT_EQ(pt.values[0], 32);  // 1 / (4 / 127) = 31.75
  // Per channel on the last axis (DEPTHWISE_CONV_2D's [1, H, W, C]).
  const SymmetricWeights last = quantize_symmetric(w, shape, 1);
  EXPECT_EQ(last.params.axis, 1);
  EXPECT_EQ(last.params.scales.size(), 3u);
  EXPECT_EQ(last.values[5], 0);
  EXPECT_FLOAT_EQ(last.params.scales[2], 0.25f / 127);
  // A channel of zeros gets scale 1.
  const SymmetricWeights zero = quantize_symmetric(std::vector<float>{0, 0}, Shape({2, 1}), 0);
  EXPECT_FLOAT_EQ(zero.params.scales[0], 1.0f);
}

TEST(Affine, BiasAtInputTimesWeightScale) {
  QuantParams w;
  w.scales = {0.5f, 0.25f};
  w.zero_points = {0, 0};
  QuantParams b;
  const std::vector<int32_t> q = quantize_bias(std::vector<float>{1.0f, -1.0f}, 0.1f, w, &b);
  EXPECT_EQ(q, (std::vector<int32_t>{20, -40}));
  ASSERT_EQ(b.scales.size(), 2u);
  EXPECT_FLOAT_EQ(b.scales[1], 0.025f);
  // Out of int32's range: clamped.
  QuantParams one;
  one.scales = {1e-6f};
  EXPECT_EQ(quantize_bias(std::vector<float>{1e9f}, 1e-6f, one, &b)[0], INT32_MAX);
}

// XNNPACK's ADD tables (xnn_init_qs8_add_minmax_scalar_params): the larger
// ratio's multiplier in [2^20, 2^21), both over the same 2^shift, rounded
// to nearest even; the bias holds both zero points and the rounding.
TEST(Affine, IntegerAdditionAsXnnpack) {
  IntegerAddition p;
  ASSERT_TRUE(integer_addition(0.4f, 0.3f, 5, -7, false, &p));
  EXPECT_EQ(p.shift, 22);              // 0.4 = 1.6 x 2^-2: 20 bits below 2^-2
  EXPECT_EQ(p.a_multiplier, 1677722);  // 0.4 x 2^22 = 1677721.6
  EXPECT_EQ(p.b_multiplier, 1258291);  // 0.3 x 2^22 = 1258291.2
  EXPECT_EQ(p.bias, (1 << 21) - 1677722 * 5 + 1258291 * 7);
  // (bias + a ma + b mb) >> shift: 0.4 (a - 5) + 0.3 (b + 7), rounded.
  const auto sum = [&](int32_t a, int32_t b) {
    return static_cast<int32_t>(
        (int64_t{p.bias} + int64_t{a} * p.a_multiplier + int64_t{b} * p.b_multiplier) >> p.shift);
  };
  EXPECT_EQ(sum(15, 3), 7);       // 4 + 3
  EXPECT_EQ(sum(-45, -7), -20);   // -20 + 0
  EXPECT_EQ(sum(127, -128), 13);  // 48.8 - 36.3 = 12.5: halves round up
  // SUB: b's multiplier negated, its zero point's term with it.
  ASSERT_TRUE(integer_addition(0.4f, 0.3f, 5, -7, true, &p));
  EXPECT_EQ(p.b_multiplier, -1258291);
  EXPECT_EQ(p.bias, (1 << 21) - 1677722 * 5 - 1258291 * 7);
  // Ratios XNNPACK refuses: TFLite's own arithmetic runs instead.
  EXPECT_FALSE(integer_addition(0x1.0p-11f, 0.5f, 0, 0, false, &p));
  EXPECT_FALSE(integer_addition(0.5f, 256.0f, 0, 0, false, &p));
}

}  // namespace
}  // namespace odin
