// quant_matmul (kernels/cpu/quant_matmul.h) against a plain reference: the
// weights decoded by dequantize_row, the activations quantized by the rule
// the header documents, the dot products in double; both the GGUF layout
// and prepack_quant_matmul's. On x86 every compiled target the CPU supports
// runs (AVX3_DL's VNNI kernels, AVX3's, and the portable ones through AVX2
// and the scalar fallback).
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "hwy/targets.h"
#include "kernels/cpu/quant_matmul.h"
#include "kernels/cpu/quant_matmul_amx.h"
#include "kernels/cpu/quant_pack.h"
#include "quant/fp16.h"

namespace odin::cpu {
namespace {

std::vector<float> random_floats(size_t n, std::mt19937& rng, float scale = 1.0f) {
  std::normal_distribution<float> dist(0.0f, scale);
  std::vector<float> v(n);
  for (float& f : v) f = dist(rng);
  return v;
}

void put_half(uint8_t* p, float v) {
  const uint16_t h = fp32_to_fp16(v);
  p[0] = static_cast<uint8_t>(h);
  p[1] = static_cast<uint8_t>(h >> 8);
}

// n rows of k elements in `format`: Q8_0, Q4_0 and F16 / BF16 from random
// floats; M0E4 and the K-quants as random bytes (every pattern of the codes,
// quants and 6-bit scales is valid, so all 16 M0E4 codes occur) with finite
// fp16 scales.
std::vector<uint8_t> random_weights(BlockFormat format, int64_t n, int64_t k, std::mt19937& rng) {
  const int64_t row_bytes = block_row_bytes(format, k);
  std::vector<uint8_t> w(static_cast<size_t>(n * row_bytes));
  std::uniform_int_distribution<int> byte(0, 255);
  std::uniform_real_distribution<float> scale(0.001f, 0.02f);
  for (int64_t r = 0; r < n; ++r) {
    uint8_t* row = w.data() + r * row_bytes;
    const std::vector<float> f = random_floats(static_cast<size_t>(k), rng);
    switch (format) {
      case BlockFormat::kQ8_0:
        quantize_row_q8_0(f, row);
        break;
      case BlockFormat::kQ4_0:
        quantize_row_q4_0(f, row);
        break;
      case BlockFormat::kF16:
        for (int64_t i = 0; i < k; ++i) put_half(row + 2 * i, f[static_cast<size_t>(i)]);
        break;
      case BlockFormat::kBF16:
        for (int64_t i = 0; i < k; ++i) {
          uint32_t bits;
          std::memcpy(&bits, &f[static_cast<size_t>(i)], 4);
          row[2 * i] = static_cast<uint8_t>(bits >> 16);
          row[2 * i + 1] = static_cast<uint8_t>(bits >> 24);
        }
        break;
      case BlockFormat::kM0E4:
        for (int64_t b = 0; b < k / 32; ++b) {
          uint8_t* blk = row + b * 18;
          for (int i = 2; i < 18; ++i) blk[i] = static_cast<uint8_t>(byte(rng));
          put_half(blk, scale(rng) * 0.1f);
        }
        break;
      case BlockFormat::kQ4_K:
        for (int64_t b = 0; b < k / 256; ++b) {
          uint8_t* blk = row + b * 144;
          for (int i = 0; i < 144; ++i) blk[i] = static_cast<uint8_t>(byte(rng));
          put_half(blk, scale(rng));
          put_half(blk + 2, scale(rng));
        }
        break;
      case BlockFormat::kQ6_K:
        for (int64_t b = 0; b < k / 256; ++b) {
          uint8_t* blk = row + b * 210;
          for (int i = 0; i < 210; ++i) blk[i] = static_cast<uint8_t>(byte(rng));
          put_half(blk + 208, scale(rng) * 0.1f);
        }
        break;
      default:
        ADD_FAILURE() << "no generator";
    }
  }
  return w;
}

// The quantized values' bytes of one block: zeroing them leaves each
// element's offset (Q4_0's -8 d, Q4_K's -dmin * min, Q6_K's -32 d * scale).
void zero_quants(BlockFormat format, uint8_t* blk) {
  switch (format) {
    case BlockFormat::kQ8_0:
      std::memset(blk + 2, 0, 32);
      break;
    case BlockFormat::kQ4_0:
    case BlockFormat::kM0E4:  // code 0 is 0: no offset
      std::memset(blk + 2, 0, 16);
      break;
    case BlockFormat::kQ4_K:
      std::memset(blk + 16, 0, 128);
      break;
    case BlockFormat::kQ6_K:
      std::memset(blk, 0, 192);
      break;
    default:
      break;
  }
}

bool is_float(BlockFormat f) {
  return f == BlockFormat::kF16 || f == BlockFormat::kBF16;
}

// Activations as the header defines them: per block of `block`, d = amax /
// 127, q = nearest-even(x * (127 / amax)), in float32.
std::vector<double> quantized_activations(const float* x, int64_t k, int64_t block,
                                          std::vector<double>* step) {
  std::vector<double> out(static_cast<size_t>(k));
  step->assign(static_cast<size_t>(k), 0.0);
  for (int64_t b = 0; b < k; b += block) {
    float amax = 0.0f;
    for (int64_t i = b; i < b + block; ++i) amax = std::max(amax, std::fabs(x[i]));
    const float d = amax / 127.0f;
    const float id = amax != 0.0f ? 127.0f / amax : 0.0f;
    for (int64_t i = b; i < b + block; ++i) {
      const float v = x[i] * id;
      out[static_cast<size_t>(i)] = static_cast<double>(std::nearbyint(v)) * d;
      (*step)[static_cast<size_t>(i)] = d;
    }
  }
  return out;
}

struct Case {
  BlockFormat format;
  int64_t m, n, k;
  bool bias;
  int threads;
  bool packed = false;  // through prepack_quant_matmul
  bool amx = false;     // packed prefill may take the AMX kernels
};

// Allows the AMX kernels for one case, and again afterwards (the default).
class AmxScope {
 public:
  explicit AmxScope(bool allowed) { qmm::set_amx_allowed(allowed); }
  ~AmxScope() { qmm::set_amx_allowed(true); }
  AmxScope(const AmxScope&) = delete;
  AmxScope& operator=(const AmxScope&) = delete;
};

std::string describe(const Case& c) {
  return std::string(block_format_info(c.format).name) + " m=" + std::to_string(c.m) +
         " n=" + std::to_string(c.n) + " k=" + std::to_string(c.k) + (c.bias ? " bias" : "") +
         (c.packed ? " packed" : "") + (c.amx ? " amx" : "") +
         " threads=" + std::to_string(c.threads) + " target=" + quant_matmul_target();
}

// Runs one case; returns false after the first mismatch (reported).
bool run_case(const Case& c, uint32_t seed) {
  const AmxScope amx(c.amx);
  std::mt19937 rng(seed);
  const std::vector<uint8_t> w = random_weights(c.format, c.n, c.k, rng);
  const std::vector<float> x = random_floats(static_cast<size_t>(c.m * c.k), rng);
  const std::vector<float> bias = random_floats(static_cast<size_t>(c.n), rng);
  QuantMatmul qm;
  qm.format = c.format;
  qm.weights = w.data();
  qm.n = c.n;
  qm.k = c.k;
  qm.bias = c.bias ? bias.data() : nullptr;
  ThreadPool pool(c.threads);
  std::vector<uint8_t> scratch(quant_matmul_scratch_bytes(qm, c.m, c.threads));
  std::vector<float> y(static_cast<size_t>(c.m * c.n), -12345.0f);
  PackedQuantMatmul packed;
  if (c.packed) {
    // Packed on the workers when there are several (groups split between them).
    const Status p = prepack_quant_matmul(qm, &packed, nullptr, c.threads > 1 ? &pool : nullptr);
    EXPECT_TRUE(p.ok()) << p.to_string();
    if (!p.ok()) return false;
    EXPECT_EQ(quant_matmul_scratch_bytes(packed, c.m, c.threads), scratch.size());
  }
  const Status s = c.packed ? quant_matmul(packed, x.data(), c.m, y.data(), scratch.data(), pool)
                            : quant_matmul(qm, x.data(), c.m, y.data(), scratch.data(), pool);
  EXPECT_TRUE(s.ok()) << s.to_string();
  if (!s.ok()) return false;

  // Decoded weights, and each element's magnitude bound |w| + 2 |offset|
  // (the kernels sum the scaled quants and the offsets separately).
  const int64_t row_bytes = block_row_bytes(c.format, c.k);
  const BlockFormatInfo& info = block_format_info(c.format);
  std::vector<float> wf(static_cast<size_t>(c.n * c.k)), off(wf.size());
  for (int64_t j = 0; j < c.n; ++j) {
    const uint8_t* row = w.data() + j * row_bytes;
    dequantize_row(c.format, row, std::span<float>(wf.data() + j * c.k, static_cast<size_t>(c.k)));
    std::vector<uint8_t> zeroed(row, row + row_bytes);
    for (int64_t b = 0; b < c.k / info.block_elements; ++b)
      zero_quants(c.format, zeroed.data() + b * info.block_bytes);
    dequantize_row(c.format, zeroed.data(),
                   std::span<float>(off.data() + j * c.k, static_cast<size_t>(c.k)));
  }
  const int64_t act_block =
      (c.format == BlockFormat::kQ4_K || c.format == BlockFormat::kQ6_K) ? 256 : 32;
  for (int64_t i = 0; i < c.m; ++i) {
    const float* xi = x.data() + i * c.k;
    std::vector<double> step;
    const std::vector<double> xq = is_float(c.format)
                                       ? std::vector<double>(xi, xi + c.k)
                                       : quantized_activations(xi, c.k, act_block, &step);
    if (is_float(c.format)) step.assign(static_cast<size_t>(c.k), 0.0);
    for (int64_t j = 0; j < c.n; ++j) {
      const float* wj = wf.data() + j * c.k;
      const float* oj = off.data() + j * c.k;
      double ref = 0, exact = 0, mag = 0, qerr = 0;
      for (int64_t e = 0; e < c.k; ++e) {
        const auto se = static_cast<size_t>(e);
        ref += static_cast<double>(wj[e]) * xq[se];
        exact += static_cast<double>(wj[e]) * xi[e];
        mag += (std::fabs(wj[e]) + 2.0 * std::fabs(oj[e])) * std::fabs(xq[se]);
        qerr += std::fabs(wj[e]) * step[se] * 0.5;
      }
      if (c.bias) {
        ref += bias[static_cast<size_t>(j)];
        exact += bias[static_cast<size_t>(j)];
      }
      const double got = y[static_cast<size_t>(i * c.n + j)];
      // float32 rounding (about 32 ulp of the terms' magnitude).
      const double tol =
          2e-6 * (mag + (c.bias ? std::fabs(bias[static_cast<size_t>(j)]) : 0.0)) + 1e-30;
      if (!(std::fabs(got - ref) <= tol)) {
        ADD_FAILURE() << describe(c) << ": y[" << i << ", " << j << "] = " << got << ", reference "
                      << ref << " (tolerance " << tol << ")";
        return false;
      }
      // The activation quantization error bound (half a step per element).
      if (!(std::fabs(got - exact) <= qerr * 1.02 + 2 * tol)) {
        ADD_FAILURE() << describe(c) << ": y[" << i << ", " << j << "] = " << got
                      << ", float product " << exact << " (bound " << qerr << ")";
        return false;
      }
    }
  }
  return true;
}

#if HWY_ARCH_X86
// Every target compiled into the kernels that this CPU supports.
std::vector<int64_t> targets() {
  std::vector<int64_t> out;
  const int64_t supported = hwy::SupportedTargets();
  for (int64_t t : {int64_t{HWY_AVX3_DL}, int64_t{HWY_AVX3}, int64_t{HWY_AVX2}, int64_t{HWY_EMU128},
                    int64_t{HWY_SCALAR}})
    if (supported & t) out.push_back(t);
  return out;
}
#endif

// Runs fn once per target; a forced target the kernels were not compiled
// for (the dispatch falls back to another one) is skipped. Only x86 builds
// link libhwy (the aarch64 build dispatches statically to NEON).
void for_each_target(const std::function<void()>& fn) {
#if HWY_ARCH_X86
  for (int64_t t : targets()) {
    hwy::SetSupportedTargetsForTest(t);
    if (std::string(quant_matmul_target()) == hwy::TargetName(t)) fn();
    hwy::SetSupportedTargetsForTest(0);
    if (testing::Test::HasFailure()) return;
  }
#else
  fn();
#endif
}

class QuantMatmulFormats : public testing::TestWithParam<BlockFormat> {};

TEST_P(QuantMatmulFormats, MatchesReference) {
  const BlockFormat f = GetParam();
  const int64_t block = block_format_info(f).block_elements;
  // One block, and several (an odd number of 32-blocks: partial AVX-512 steps).
  std::vector<int64_t> ks;
  if (is_float(f))
    ks = {37, 300};
  else if (block == 32)
    ks = {32, 224};
  else
    ks = {256, 768};
  for_each_target([&] {
    uint32_t seed = 1;
    for (bool packed : {false, true}) {
      if (packed && !quant_matmul_prepack_supports(f)) continue;
      for (int64_t k : ks)
        for (int64_t m : {1, 2, 3, 5, 17, 64})
          for (int64_t n : {1, 7, 64, 129})
            for (bool bias : {false, true})
              for (int threads : {1, 2})
                if (!run_case({f, m, n, k, bias, threads, packed}, seed++)) return;
    }
  });
}

INSTANTIATE_TEST_SUITE_P(Formats, QuantMatmulFormats,
                         testing::Values(BlockFormat::kQ8_0, BlockFormat::kQ4_0, BlockFormat::kM0E4,
                                         BlockFormat::kQ4_K, BlockFormat::kQ6_K, BlockFormat::kF16,
                                         BlockFormat::kBF16),
                         [](const auto& info) {
                           return std::string(block_format_info(info.param).name);
                         });

// The AMX kernels: packed weights, m >= kAmxMinRows, 16-row tiles (m not a
// multiple of 16: rows past m are padding), items of up to 128 rows.
class QuantMatmulAmx : public testing::TestWithParam<BlockFormat> {};

TEST_P(QuantMatmulAmx, MatchesReference) {
  const BlockFormat f = GetParam();
  if (!qmm::amx_enabled()) GTEST_SKIP() << "skipped: no AMX on this CPU (or ODIN_NO_AMX is set)";
  const std::vector<int64_t> ks = block_format_info(f).block_elements == 32
                                      ? std::vector<int64_t>{32, 224}
                                      : std::vector<int64_t>{256, 768};
  uint32_t seed = 500;
  const uint64_t calls = qmm::amx_item_calls();
  for (int64_t k : ks)
    for (int64_t m : {qmm::kAmxMinRows, int64_t{16}, int64_t{17}, int64_t{40}, int64_t{150}})
      for (int64_t n : {1, 7, 64, 129})
        for (int threads : {1, 2})
          if (!run_case({f, m, n, k, n % 2 == 1, threads, true, true}, seed++)) return;
  EXPECT_GT(qmm::amx_item_calls(), calls) << "the AMX kernels never ran";
}

INSTANTIATE_TEST_SUITE_P(Packed, QuantMatmulAmx,
                         testing::Values(BlockFormat::kQ8_0, BlockFormat::kQ4_0, BlockFormat::kM0E4,
                                         BlockFormat::kQ4_K, BlockFormat::kQ6_K),
                         [](const auto& info) {
                           return std::string(block_format_info(info.param).name);
                         });

// Larger shapes than the sweep: many steps per row, all 4 x 4 tiles.
TEST(QuantMatmul, LargerShapes) {
  for_each_target([&] {
    uint32_t seed = 1000;
    for (BlockFormat f : {BlockFormat::kQ8_0, BlockFormat::kQ4_0, BlockFormat::kM0E4,
                          BlockFormat::kQ4_K, BlockFormat::kQ6_K, BlockFormat::kF16})
      if (!run_case({f, 9, 40, 2048, true, 2}, seed++)) return;
    for (BlockFormat f : {BlockFormat::kQ8_0, BlockFormat::kQ4_0, BlockFormat::kM0E4,
                          BlockFormat::kQ4_K, BlockFormat::kQ6_K})
      for (bool amx : {false, true})
        if (!run_case({f, 33, 40, 2048, true, 2, true, amx}, seed++)) return;
  });
}

// Extreme activations: a zero row (scale 0), one huge value per 32 (the
// others quantize to 0), and integers up to 127 (products exact where a
// block's largest magnitude is 127).
TEST(QuantMatmul, ActivationEdgeCases) {
  std::mt19937 rng(7);
  const int64_t n = 5, k = 256;
  for (BlockFormat f : {BlockFormat::kQ8_0, BlockFormat::kQ4_0, BlockFormat::kM0E4,
                        BlockFormat::kQ4_K, BlockFormat::kQ6_K}) {
    const std::vector<uint8_t> w = random_weights(f, n, k, rng);
    std::vector<float> x(static_cast<size_t>(3 * k), 0.0f);
    for (int64_t i = 0; i < k; ++i) {
      x[static_cast<size_t>(k + i)] = i % 32 == 0 ? 1e6f : 1e-3f * static_cast<float>(i % 7);
      x[static_cast<size_t>(2 * k + i)] = static_cast<float>(i % 255) - 127.0f;  // id = 1
    }
    QuantMatmul qm{f, w.data(), n, k, nullptr};
    ThreadPool pool(1);
    std::vector<uint8_t> scratch(quant_matmul_scratch_bytes(qm, 3, 1));
    std::vector<float> y(static_cast<size_t>(3 * n));
    for_each_target([&] {
      ASSERT_TRUE(quant_matmul(qm, x.data(), 3, y.data(), scratch.data(), pool).ok());
      const int64_t row_bytes = block_row_bytes(f, k);
      std::vector<float> wf(static_cast<size_t>(k));
      for (int64_t j = 0; j < n; ++j) {
        dequantize_row(f, w.data() + j * row_bytes, wf);
        EXPECT_EQ(y[static_cast<size_t>(j)], 0.0f) << block_format_info(f).name;
        for (int r = 1; r < 3; ++r) {
          std::vector<double> step;
          const int64_t blk = block_format_info(f).block_elements == 256 ? 256 : 32;
          const std::vector<double> xq = quantized_activations(x.data() + r * k, k, blk, &step);
          double ref = 0, mag = 0;
          for (int64_t e = 0; e < k; ++e) {
            ref += static_cast<double>(wf[static_cast<size_t>(e)]) * xq[static_cast<size_t>(e)];
            mag += std::fabs(wf[static_cast<size_t>(e)] * xq[static_cast<size_t>(e)]);
          }
          // Loose on magnitude: offsets may cancel; exactness is the sweep's job.
          EXPECT_NEAR(y[static_cast<size_t>(r * n + j)], ref, 1e-4 * mag + 1e-6)
              << block_format_info(f).name << " row " << r << " target " << quant_matmul_target();
        }
      }
    });
  }
}

TEST(QuantMatmul, RejectsBadArguments) {
  std::vector<uint8_t> w(4096);
  float x[512] = {}, y[16] = {};
  std::vector<uint8_t> scratch(1 << 16);
  ThreadPool pool(1);
  auto run = [&](QuantMatmul qm, int64_t m, void* s = nullptr) {
    return quant_matmul(qm, x, m, y, s ? s : scratch.data(), pool);
  };
  const auto invalid = [](const Status& s) { return s.code() == StatusCode::kInvalidArgument; };
  // k must be a positive whole number of blocks.
  EXPECT_TRUE(invalid(run({BlockFormat::kQ8_0, w.data(), 2, 48, nullptr}, 1)));
  EXPECT_TRUE(invalid(run({BlockFormat::kQ4_0, w.data(), 2, 0, nullptr}, 1)));
  EXPECT_TRUE(invalid(run({BlockFormat::kQ4_K, w.data(), 2, 128, nullptr}, 1)));
  EXPECT_TRUE(invalid(run({BlockFormat::kQ6_K, w.data(), 2, -256, nullptr}, 1)));
  // No kernel for F32 (the float GEMM covers it).
  EXPECT_TRUE(invalid(run({BlockFormat::kF32, w.data(), 2, 32, nullptr}, 1)));
  EXPECT_FALSE(quant_matmul_supports(BlockFormat::kF32));
  // Negative sizes, missing pointers.
  EXPECT_TRUE(invalid(run({BlockFormat::kQ8_0, w.data(), -1, 32, nullptr}, 1)));
  EXPECT_TRUE(invalid(run({BlockFormat::kQ8_0, nullptr, 2, 32, nullptr}, 1)));
  EXPECT_TRUE(invalid(run({BlockFormat::kQ8_0, w.data(), 2, 32, nullptr}, -1)));
  EXPECT_TRUE(invalid(
      quant_matmul({BlockFormat::kQ8_0, w.data(), 2, 32, nullptr}, x, 1, y, nullptr, pool)));
  EXPECT_TRUE(invalid(quant_matmul({BlockFormat::kQ8_0, w.data(), 2, 32, nullptr}, nullptr, 1, y,
                                   scratch.data(), pool)));
  EXPECT_EQ(quant_matmul_scratch_bytes({BlockFormat::kQ8_0, w.data(), 2, 48, nullptr}, 1, 1), 0u);
  // Empty products are fine and write nothing; F16 needs no scratch.
  y[0] = 7.0f;
  EXPECT_TRUE(run({BlockFormat::kQ8_0, w.data(), 2, 32, nullptr}, 0).ok());
  EXPECT_TRUE(run({BlockFormat::kQ8_0, w.data(), 0, 32, nullptr}, 1).ok());
  EXPECT_EQ(y[0], 7.0f);
  EXPECT_EQ(quant_matmul_scratch_bytes({BlockFormat::kF16, w.data(), 2, 32, nullptr}, 4, 1), 0u);
  EXPECT_TRUE(
      quant_matmul({BlockFormat::kF16, w.data(), 2, 32, nullptr}, x, 1, y, nullptr, pool).ok());
}

TEST(QuantMatmul, PrepackRejectsOtherFormats) {
  std::vector<uint8_t> w(4096);
  PackedQuantMatmul packed;
  EXPECT_EQ(prepack_quant_matmul({BlockFormat::kF16, w.data(), 2, 32, nullptr}, &packed).code(),
            StatusCode::kUnsupported);
  EXPECT_EQ(prepack_quant_matmul({BlockFormat::kQ4_K, w.data(), 2, 128, nullptr}, &packed).code(),
            StatusCode::kInvalidArgument);
  float x[256] = {}, y[2] = {};
  ThreadPool pool(1);
  EXPECT_EQ(quant_matmul(packed, x, 1, y, w.data(), pool).code(), StatusCode::kInvalidArgument);
}

// The load-time packer writes exactly the bytes of the layout's definition
// (move_block), for every row slot of a group, on random blocks; and
// move_block reads them back to the GGUF block.
TEST(QuantMatmul, PackBlockMatchesLayout) {
  std::mt19937 rng(11);
  for (BlockFormat f : {BlockFormat::kQ8_0, BlockFormat::kQ4_0, BlockFormat::kM0E4,
                        BlockFormat::kQ4_K, BlockFormat::kQ6_K}) {
    const auto bytes = static_cast<size_t>(block_format_info(f).block_bytes);
    std::vector<uint8_t> fast(static_cast<size_t>(qmm::packed_block_bytes(f)));
    std::vector<uint8_t> slow(fast.size());
    std::vector<std::vector<uint8_t>> blocks(qmm::kPackRows, std::vector<uint8_t>(bytes));
    for (int r = 0; r < qmm::kPackRows; ++r) {
      for (uint8_t& b : blocks[static_cast<size_t>(r)]) b = static_cast<uint8_t>(rng());
      qmm::pack_row(f, blocks[static_cast<size_t>(r)].data(), 1, fast.data(), r);
      std::vector<uint8_t> copy = blocks[static_cast<size_t>(r)];
      qmm::move_block(f, slow.data(), r, copy.data(), true);
    }
    EXPECT_EQ(fast, slow) << block_format_info(f).name;
    for (int r = 0; r < qmm::kPackRows; ++r) {
      std::vector<uint8_t> back(bytes, 0);
      qmm::move_block(f, fast.data(), r, back.data(), false);
      EXPECT_EQ(back, blocks[static_cast<size_t>(r)]) << block_format_info(f).name << " row " << r;
    }
  }
}

// The scratch may sit at any alignment.
TEST(QuantMatmul, UnalignedScratch) {
  std::mt19937 rng(3);
  const int64_t n = 8, k = 96, m = 3;
  const std::vector<uint8_t> w = random_weights(BlockFormat::kQ4_0, n, k, rng);
  const std::vector<float> x = random_floats(static_cast<size_t>(m * k), rng);
  QuantMatmul qm{BlockFormat::kQ4_0, w.data(), n, k, nullptr};
  ThreadPool pool(2);
  const size_t bytes = quant_matmul_scratch_bytes(qm, m, 2);
  std::vector<uint8_t> s1(bytes + 64), s2(bytes + 64);
  std::vector<float> y1(static_cast<size_t>(m * n)), y2(y1.size());
  ASSERT_TRUE(quant_matmul(qm, x.data(), m, y1.data(), s1.data(), pool).ok());
  ASSERT_TRUE(quant_matmul(qm, x.data(), m, y2.data(), s2.data() + 13, pool).ok());
  EXPECT_EQ(y1, y2);
}

}  // namespace
}  // namespace odin::cpu
