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

}  // namespace
}  // namespace odin
