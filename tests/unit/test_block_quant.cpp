// The block formats of src/quant against ggml itself: tests/data/quant holds
// inputs, ggml's quantized bytes and ggml's decoding of them
// (tests/data/quant/make_golden.cpp).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <vector>

#include "core/status.h"
#include "quant/block_quant.h"
#include "quant/fp16.h"
#include "test_util.h"

namespace odin {
namespace {

struct Golden {
  std::vector<float> input;
  std::vector<uint8_t> quantized;
  std::vector<float> decoded;
};

Golden read_golden(const char* file, BlockFormat format) {
  const std::vector<uint8_t> bytes = test::read_file(test::data_path(str_cat("data/quant/", file)));
  Golden g;
  uint32_t n = 0;
  if (bytes.size() < 4) return g;
  std::memcpy(&n, bytes.data(), 4);
  const int64_t qbytes = block_row_bytes(format, n);
  if (qbytes < 0 || bytes.size() != 4 + 8 * size_t{n} + static_cast<size_t>(qbytes)) return g;
  g.input.resize(n);
  g.decoded.resize(n);
  const uint8_t* p = bytes.data() + 4;
  std::memcpy(g.input.data(), p, 4 * size_t{n});
  g.quantized.assign(p + 4 * n, p + 4 * n + qbytes);
  std::memcpy(g.decoded.data(), p + 4 * n + qbytes, 4 * size_t{n});
  return g;
}

// Exact but for one rounding: ggml's build may contract a * b - c into a
// fused multiply-add where odin's does not (or the other way round on Arm).
void expect_decodes_like_ggml(BlockFormat format, const Golden& g) {
  std::vector<float> y(g.decoded.size());
  dequantize_row(format, g.quantized.data(), y);
  for (size_t i = 0; i < y.size(); ++i)
    ASSERT_NEAR(y[i], g.decoded[i], 2e-7f * (1.0f + std::fabs(g.decoded[i])))
        << block_format_info(format).name << " element " << i;
}

TEST(BlockQuant, LayoutSizes) {
  EXPECT_EQ(block_format_info(BlockFormat::kQ8_0).block_bytes, 34);
  EXPECT_EQ(block_format_info(BlockFormat::kQ4_0).block_bytes, 18);
  EXPECT_EQ(block_format_info(BlockFormat::kQ4_K).block_bytes, 144);
  EXPECT_EQ(block_format_info(BlockFormat::kQ6_K).block_bytes, 210);
  EXPECT_EQ(block_row_bytes(BlockFormat::kQ4_K, 4096), 16 * 144);
  EXPECT_EQ(block_row_bytes(BlockFormat::kBF16, 3), 6);
  EXPECT_EQ(block_row_bytes(BlockFormat::kQ8_0, 33), -1);  // not whole blocks
  EXPECT_EQ(block_row_bytes(BlockFormat::kQ6_K, -256), -1);
  EXPECT_EQ(block_row_bytes(BlockFormat::kF32, std::numeric_limits<int64_t>::max()), -1);
}

TEST(BlockQuant, DecodesLikeGgml) {
  const struct {
    const char* file;
    BlockFormat format;
  } cases[] = {{"q8_0.bin", BlockFormat::kQ8_0},
               {"q4_0.bin", BlockFormat::kQ4_0},
               {"q4_k.bin", BlockFormat::kQ4_K},
               {"q6_k.bin", BlockFormat::kQ6_K},
               {"bf16.bin", BlockFormat::kBF16}};
  for (const auto& c : cases) {
    const Golden g = read_golden(c.file, c.format);
    ASSERT_FALSE(g.input.empty()) << c.file << " missing or malformed";
    expect_decodes_like_ggml(c.format, g);
  }
}

TEST(BlockQuant, QuantizesToGgmlsBytes) {
  const Golden q8 = read_golden("q8_0.bin", BlockFormat::kQ8_0);
  const Golden q4 = read_golden("q4_0.bin", BlockFormat::kQ4_0);
  ASSERT_FALSE(q8.input.empty() || q4.input.empty());
  std::vector<uint8_t> bytes(q8.quantized.size());
  quantize_row_q8_0(q8.input, bytes.data());
  EXPECT_EQ(bytes, q8.quantized);
  bytes.assign(q4.quantized.size(), 0);
  quantize_row_q4_0(q4.input, bytes.data());
  EXPECT_EQ(bytes, q4.quantized);
}

TEST(BlockQuant, RoundTripErrorWithinAStep) {
  const std::vector<float> x = test::splitmix_values(1024, 5, -3.0f, 3.0f);
  std::vector<uint8_t> q8(static_cast<size_t>(block_row_bytes(BlockFormat::kQ8_0, 1024)));
  std::vector<uint8_t> q4(static_cast<size_t>(block_row_bytes(BlockFormat::kQ4_0, 1024)));
  quantize_row_q8_0(x, q8.data());
  quantize_row_q4_0(x, q4.data());
  std::vector<float> y8(1024), y4(1024);
  dequantize_row(BlockFormat::kQ8_0, q8.data(), y8);
  dequantize_row(BlockFormat::kQ4_0, q4.data(), y4);
  for (size_t b = 0; b < 1024; b += 32) {
    float amax = 0;
    for (size_t i = b; i < b + 32; ++i) amax = std::max(amax, std::fabs(x[i]));
    for (size_t i = b; i < b + 32; ++i) {
      // Half a step of amax/127 (plus the fp16 rounding of the scale); Q4_0
      // maps the largest magnitude to -8, so the other sign stops at +7:
      // a whole step of amax/8 there.
      EXPECT_LE(std::fabs(y8[i] - x[i]), amax / 127 * 0.51f + 1e-3f * amax) << i;
      EXPECT_LE(std::fabs(y4[i] - x[i]), amax / 8 * 1.01f + 1e-2f * amax) << i;
    }
  }
}

// The k-quant reference quantizers (odin's own scale choice, not ggml's
// bytes) decode back within half a step of each sub-block's range, plus what
// rounding the scales up to fp16 and 6 (Q4_K) or 7 (Q6_K) bits adds.
TEST(BlockQuant, KQuantsRoundTripWithinHalfAStep) {
  constexpr size_t kN = 8 * 256;
  std::vector<float> x = test::splitmix_values(kN, 11, -1.0f, 1.0f);
  // Sub-blocks of magnitudes 1/8 to 8 side by side; a super-block of
  // positive values, one of negative values, one with zero sub-blocks.
  for (size_t i = 0; i < kN; ++i) x[i] *= std::ldexp(1.0f, static_cast<int>(i / 16 % 7) - 3);
  for (size_t i = 256; i < 512; ++i) x[i] = std::fabs(x[i]);
  for (size_t i = 512; i < 768; ++i) x[i] = -std::fabs(x[i]) - 0.5f;
  for (size_t i = 768; i < 832; ++i) x[i] = 0.0f;
  std::vector<uint8_t> q4(static_cast<size_t>(block_row_bytes(BlockFormat::kQ4_K, kN)));
  std::vector<uint8_t> q6(static_cast<size_t>(block_row_bytes(BlockFormat::kQ6_K, kN)));
  quantize_row_q4_k(x, q4.data());
  quantize_row_q6_k(x, q6.data());
  std::vector<float> y4(kN), y6(kN);
  dequantize_row(BlockFormat::kQ4_K, q4.data(), y4);
  dequantize_row(BlockFormat::kQ6_K, q6.data(), y6);
  double err4 = 0, err6 = 0, sum = 0;
  for (size_t b = 0; b < kN; b += 256) {
    float amax = 0;
    for (size_t i = b; i < b + 256; ++i) amax = std::max(amax, std::fabs(x[i]));
    for (size_t s = b; s < b + 256; s += 32) {  // Q4_K: 16 steps from min(0, lo) to hi
      float lo = 0, hi = x[s];
      for (size_t i = s; i < s + 32; ++i) lo = std::min(lo, x[i]), hi = std::max(hi, x[i]);
      for (size_t i = s; i < s + 32; ++i)
        ASSERT_LE(std::fabs(y4[i] - x[i]), 0.5f * (hi - lo) / 15 + 0.002f * amax) << "Q4_K " << i;
    }
    for (size_t s = b; s < b + 256; s += 16) {  // Q6_K: +-31 steps of the largest magnitude
      float a = 0;
      for (size_t i = s; i < s + 16; ++i) a = std::max(a, std::fabs(x[i]));
      for (size_t i = s; i < s + 16; ++i)
        ASSERT_LE(std::fabs(y6[i] - x[i]), 0.5f * a / 31 + 0.001f * amax) << "Q6_K " << i;
    }
  }
  for (size_t i = 0; i < kN; ++i) {
    err4 += (y4[i] - x[i]) * (y4[i] - x[i]);
    err6 += (y6[i] - x[i]) * (y6[i] - x[i]);
    sum += x[i] * x[i];
  }
  // RMS error over RMS value: a uniform rounding error of steps of 2a/15
  // (Q4_K) or 2a/62 (Q6_K) on values uniform in [-a, a] gives 0.067 and
  // 0.016.
  EXPECT_LT(std::sqrt(err4 / sum), 0.08);
  EXPECT_LT(std::sqrt(err6 / sum), 0.02);
  for (size_t i = 768; i < 832; ++i) EXPECT_EQ(y4[i], 0.0f) << i;
  for (size_t i = 768; i < 832; ++i) EXPECT_EQ(y6[i], 0.0f) << i;
}

TEST(BlockQuant, HostileValuesQuantizeWithoutUndefinedBehaviour) {
  // NaN, infinities, the largest and the smallest floats: UBSan (the
  // sanitizer build) fails this test on any float -> int conversion out of
  // range; decoded values are whatever they are, but the bytes are defined.
  const float inf = std::numeric_limits<float>::infinity();
  const float nan = std::numeric_limits<float>::quiet_NaN();
  std::vector<float> x(64, 1.0f);
  x[0] = nan;
  x[1] = inf;
  x[2] = -inf;
  x[3] = std::numeric_limits<float>::max();
  x[32] = std::numeric_limits<float>::denorm_min();
  for (size_t i = 33; i < 64; ++i) x[i] = 0.0f;
  std::vector<uint8_t> q(68);
  quantize_row_q8_0(x, q.data());
  quantize_row_q4_0(x, q.data());
  std::vector<float> y(64);
  dequantize_row(BlockFormat::kQ4_0, q.data(), y);
  for (size_t i = 33; i < 64; ++i) EXPECT_EQ(y[i], 0.0f) << i;
  // The k-quants, whose scales come from the same values.
  x.resize(256, -0.5f);
  std::vector<uint8_t> k(210);
  quantize_row_q4_k(x, k.data());
  quantize_row_q6_k(x, k.data());
}

// M0E4 (block_quant.h): the codes decode to +-2^(e-1) * d, and the
// quantizer's choices are the nearest codes for the scale it keeps.
TEST(BlockQuant, M0E4CodesDecodeToSignedPowersOfTwo) {
  EXPECT_EQ(block_format_info(BlockFormat::kM0E4).block_bytes, 18);
  EXPECT_EQ(block_row_bytes(BlockFormat::kM0E4, 64), 36);
  EXPECT_EQ(block_row_bytes(BlockFormat::kM0E4, 48), -1);
  uint8_t block[18] = {0x00, 0x38};  // fp16 0.5
  for (int j = 0; j < 16; ++j) block[2 + j] = static_cast<uint8_t>(j | (15 - j) << 4);
  std::vector<float> y(32);
  dequantize_row(BlockFormat::kM0E4, block, y);
  for (int c = 0; c < 16; ++c) {
    const int e = c & 7;
    const float want = e == 0 ? 0.0f : (c & 8 ? -0.5f : 0.5f) * std::ldexp(1.0f, e - 1);
    EXPECT_EQ(y[c], want) << "code " << c;
    EXPECT_EQ(y[16 + 15 - c], want) << "high nibble, code " << c;
  }
}

TEST(BlockQuant, M0E4RoundTripTakesTheNearestCode) {
  const std::vector<float> x = test::splitmix_values(1024, 7, -2.0f, 2.0f);
  std::vector<uint8_t> q(static_cast<size_t>(block_row_bytes(BlockFormat::kM0E4, 1024)));
  quantize_row_m0e4(x, q.data());
  std::vector<float> y(1024);
  dequantize_row(BlockFormat::kM0E4, q.data(), y);
  for (size_t b = 0; b < 1024; b += 32) {
    uint16_t h = 0;
    std::memcpy(&h, q.data() + b / 32 * 18, 2);
    float amax = 0.0f;
    for (size_t i = b; i < b + 32; ++i) amax = std::max(amax, std::fabs(x[i]));
    const float d = fp16_to_fp32(h);
    // Within the searched octave (fp16 rounding aside).
    EXPECT_GE(d, amax / 64 * 0.999f) << b;
    EXPECT_LE(d, amax / 32 * 1.001f) << b;
    for (size_t i = b; i < b + 32; ++i) {
      float nearest = 0.0f;
      for (int8_t v : kM0E4Values)
        if (std::fabs(v * d - x[i]) < std::fabs(nearest - x[i])) nearest = v * d;
      ASSERT_FLOAT_EQ(std::fabs(y[i] - x[i]), std::fabs(nearest - x[i])) << i;
    }
  }
}

// The scale search against the plain choice (amax / 64, the largest value on
// the top code) on Gaussian-like data: never worse per block, better overall.
TEST(BlockQuant, M0E4ScaleSearchBeatsAbsmax) {
  constexpr size_t kN = 32 * 256;
  const std::vector<float> u = test::splitmix_values(2 * kN, 3, 0.0f, 1.0f);
  std::vector<float> x(kN);
  for (size_t i = 0; i < kN; ++i)  // Box-Muller
    x[i] = std::sqrt(-2.0f * std::log(std::max(u[2 * i], 1e-7f))) *
           std::cos(6.2831853f * u[2 * i + 1]);
  std::vector<uint8_t> q(static_cast<size_t>(block_row_bytes(BlockFormat::kM0E4, kN)));
  quantize_row_m0e4(x, q.data());
  std::vector<float> y(kN);
  dequantize_row(BlockFormat::kM0E4, q.data(), y);
  double searched = 0.0, plain = 0.0;
  for (size_t b = 0; b < kN; b += 32) {
    float amax = 0.0f;
    for (size_t i = b; i < b + 32; ++i) amax = std::max(amax, std::fabs(x[i]));
    const float d = fp16_to_fp32(fp32_to_fp16(amax / 64));
    double s = 0.0, p = 0.0;
    for (size_t i = b; i < b + 32; ++i) {
      float nearest = 0.0f;
      for (int8_t v : kM0E4Values)
        if (std::fabs(v * d - x[i]) < std::fabs(nearest - x[i])) nearest = v * d;
      p += (nearest - x[i]) * (nearest - x[i]);
      s += (y[i] - x[i]) * (y[i] - x[i]);
    }
    EXPECT_LE(s, p * (1 + 1e-6)) << b;
    searched += s;
    plain += p;
  }
  EXPECT_LT(searched, 0.9 * plain);
}

TEST(BlockQuant, M0E4HostileValuesAndZeros) {
  const float inf = std::numeric_limits<float>::infinity();
  std::vector<float> x(64, 0.0f);
  x[0] = std::numeric_limits<float>::quiet_NaN();
  x[1] = inf;
  x[2] = -std::numeric_limits<float>::max();
  x[32] = std::numeric_limits<float>::denorm_min();
  std::vector<uint8_t> q(36);
  quantize_row_m0e4(x, q.data());  // UBSan: no out-of-range conversion
  std::vector<float> y(64);
  dequantize_row(BlockFormat::kM0E4, q.data(), y);
  for (size_t i = 33; i < 64; ++i) EXPECT_EQ(y[i], 0.0f) << i;
}

}  // namespace
}  // namespace odin
