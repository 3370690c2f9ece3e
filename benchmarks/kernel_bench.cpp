// Google Benchmark microbenchmarks of the optimized CPU kernels on layer
// shapes taken from the MediaPipe models (BlazeFace, face mesh, palm and
// hand landmark). Counters: GFLOP/s (2 x MACs per second) for the math
// kernels, GB/s for data movement. Build and run:
//   ninja -C build odin_kernel_bench && build/odin_kernel_bench
// Args: shape index, then threads.
#include <benchmark/benchmark.h>

#include <cstring>
#include <vector>

#include "core/thread_pool.h"
#include "kernels/cpu/conv2d.h"
#include "kernels/cpu/cpu_kernels.h"
#include "kernels/cpu/quant_matmul.h"
#include "quant/fp16.h"

namespace odin::cpu {
namespace {

std::vector<float> random_floats(size_t n, uint32_t seed) {
  std::vector<float> v(n);
  for (size_t i = 0; i < n; ++i) {
    seed = seed * 1664525u + 1013904223u;  // LCG (Numerical Recipes): values only need variety
    v[i] = static_cast<float>(seed >> 8) / static_cast<float>(1u << 24) - 0.5f;
  }
  return v;
}

void set_gflops(benchmark::State& state, double macs) {
  state.counters["GFLOP/s"] =
      benchmark::Counter(2.0 * macs / 1e9, benchmark::Counter::kIsIterationInvariantRate);
  state.SetLabel(simd_target_name());
}

struct ConvCase {
  const char* name;
  int64_t h, w, in_c, out_c, k, stride;
};

// SAME padding, as in the models.
const ConvCase kConvs[] = {
    {"1x1 64x64 24->28 (BlazeFace)", 64, 64, 24, 28, 1, 1},
    {"1x1 32x32 64->64", 32, 32, 64, 64, 1, 1},
    {"1x1 24x24 128->128 (palm)", 24, 24, 128, 128, 1, 1},
    {"1x1 14x14 112->672 (hand)", 14, 14, 112, 672, 1, 1},
    {"1x1 7x7 192->1152 (hand)", 7, 7, 192, 1152, 1, 1},
    {"5x5 s2 128x128 3->24 (BlazeFace first)", 128, 128, 3, 24, 5, 2},
    {"3x3 s2 224x224 3->24 (hand first)", 224, 224, 3, 24, 3, 2},
    {"3x3 s2 192x192 3->32 (palm first)", 192, 192, 3, 32, 3, 2},
    {"3x3 s1 24x24 64->64", 24, 24, 64, 64, 3, 1},
    {"1x1 96x96 32->8 (face full range)", 96, 96, 32, 8, 1, 1},
    {"1x1 112x112 16->64 (hand expand)", 112, 112, 16, 64, 1, 1},
    {"1x1 14x14 672->112 (hand project)", 14, 14, 672, 112, 1, 1},
    {"1x1 7x7 1152->192 (hand project)", 7, 7, 1152, 192, 1, 1},
};

void BM_Conv(benchmark::State& state) {
  const ConvCase& c = kConvs[state.range(0)];
  const int threads = static_cast<int>(state.range(1));
  ConvShape s;
  s.in_h = c.h;
  s.in_w = c.w;
  s.in_c = c.in_c;
  s.out_c = c.out_c;
  s.k_h = s.k_w = c.k;
  s.stride_h = s.stride_w = c.stride;
  s.out_h = (c.h + c.stride - 1) / c.stride;
  s.out_w = (c.w + c.stride - 1) / c.stride;
  const int64_t total_h = std::max<int64_t>((s.out_h - 1) * c.stride + c.k - c.h, 0);
  const int64_t total_w = std::max<int64_t>((s.out_w - 1) * c.stride + c.k - c.w, 0);
  s.pad_top = total_h / 2;
  s.pad_left = total_w / 2;
  const auto filter = random_floats(static_cast<size_t>(c.out_c * c.k * c.k * c.in_c), 1);
  const auto bias = random_floats(static_cast<size_t>(c.out_c), 2);
  const auto in = random_floats(static_cast<size_t>(c.h * c.w * c.in_c), 3);
  std::vector<float> out(static_cast<size_t>(s.out_h * s.out_w * c.out_c));
  GemmConv conv(s, filter.data(), bias.data(), Clamp{0.0f, 6.0f}, threads);
  ThreadPool pool(threads);
  for (auto _ : state) {
    conv.run(in.data(), out.data(), pool);
    benchmark::DoNotOptimize(out.data());
  }
  set_gflops(state, static_cast<double>(s.out_h * s.out_w * c.out_c * c.k * c.k * c.in_c));
  state.SetLabel(std::string(c.name) + " " + simd_target_name());
}

struct DwCase {
  const char* name;
  int64_t h, w, c, k, stride;
};

const DwCase kDws[] = {
    {"3x3 s1 64x64x24 (BlazeFace)", 64, 64, 24, 3, 1},
    {"3x3 s2 64x64x28", 64, 64, 28, 3, 2},
    {"3x3 s1 96x96x32 (palm)", 96, 96, 32, 3, 1},
    {"3x3 s1 12x12x128", 12, 12, 128, 3, 1},
    {"5x5 s1 56x56x48 (hand)", 56, 56, 48, 5, 1},
    {"5x5 s2 28x28x96", 28, 28, 96, 5, 2},
    {"3x3 s1 56x56x128", 56, 56, 128, 3, 1},
    {"3x3 s1 57x57x120", 57, 57, 120, 3, 1},
    {"3x3 s1 16x16x128", 16, 16, 128, 3, 1},
    {"3x3 s2 112x112x64 (hand)", 112, 112, 64, 3, 2},
};

void BM_Depthwise(benchmark::State& state) {
  const DwCase& c = kDws[state.range(0)];
  const int threads = static_cast<int>(state.range(1));
  const auto lanes = static_cast<int64_t>(float_lanes());
  DepthwiseParams p;
  p.in_h = c.h;
  p.in_w = c.w;
  p.c = c.c;
  p.c_pad = (c.c + lanes - 1) / lanes * lanes;
  p.k_h = p.k_w = c.k;
  p.stride_h = p.stride_w = c.stride;
  p.out_h = (c.h + c.stride - 1) / c.stride;
  p.out_w = (c.w + c.stride - 1) / c.stride;
  p.pad_top = p.pad_left = std::max<int64_t>((p.out_h - 1) * c.stride + c.k - c.h, 0) / 2;
  const auto w = random_floats(static_cast<size_t>(c.k * c.k * p.c_pad), 1);
  const auto b = random_floats(static_cast<size_t>(p.c_pad), 2);
  const auto in = random_floats(static_cast<size_t>(c.h * c.w * c.c), 3);
  std::vector<float> out(static_cast<size_t>(p.out_h * p.out_w * c.c));
  p.weights = w.data();
  p.bias = b.data();
  p.in = in.data();
  p.out = out.data();
  ThreadPool pool(threads);
  for (auto _ : state) {
    pool.parallel_for(p.out_h, 1, [&](int64_t r0, int64_t r1, int) { depthwise_rows(p, r0, r1); });
    benchmark::DoNotOptimize(out.data());
  }
  set_gflops(state, static_cast<double>(p.out_h * p.out_w * c.c * c.k * c.k));
  state.SetLabel(std::string(c.name) + " " + simd_target_name());
}

void BM_FullyConnected(benchmark::State& state) {
  const int64_t sizes[][2] = {{1152, 63}, {1152, 1}, {1024, 1024}};
  const int64_t depth = sizes[state.range(0)][0], units = sizes[state.range(0)][1];
  const auto w = random_floats(static_cast<size_t>(units * depth), 1);
  const auto b = random_floats(static_cast<size_t>(units), 2);
  const auto in = random_floats(static_cast<size_t>(depth), 3);
  std::vector<float> out(static_cast<size_t>(units));
  GemmFullyConnected fc(1, units, depth, w.data(), b.data(), Clamp{});
  ThreadPool pool(static_cast<int>(state.range(1)));
  for (auto _ : state) {
    fc.run(in.data(), out.data(), pool);
    benchmark::DoNotOptimize(out.data());
  }
  set_gflops(state, static_cast<double>(units * depth));
}

void BM_AddRelu(benchmark::State& state) {
  const int64_t n = 64 * 64 * 28;
  const auto a = random_floats(static_cast<size_t>(n), 1);
  const auto b = random_floats(static_cast<size_t>(n), 2);
  std::vector<float> out(static_cast<size_t>(n));
  for (auto _ : state) {
    binary_same(BinaryFn::kAdd, a.data(), b.data(), out.data(), n, Clamp{0.0f, 1e30f});
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(state.iterations() * n * 12);
  state.SetLabel(simd_target_name());
}

void BM_PreluChannels(benchmark::State& state) {
  const int64_t rows = 48 * 48, c = 64;
  const auto x = random_floats(static_cast<size_t>(rows * c), 1);
  const auto alpha = random_floats(static_cast<size_t>(c), 2);
  std::vector<float> out(x.size());
  for (auto _ : state) {
    prelu_rows(x.data(), alpha.data(), out.data(), rows, c);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(state.iterations() * rows * c * 8);
}

void BM_ResizeBilinear(benchmark::State& state) {
  const int64_t in_hw = 12, out_hw = 24, c = 128;
  std::vector<int32_t> lo(out_hw), hi(out_hw);
  std::vector<float> frac(out_hw);
  for (int64_t o = 0; o < out_hw; ++o) {  // half-pixel centers, scale 0.5
    const float src = std::max(0.0f, (static_cast<float>(o) + 0.5f) * 0.5f - 0.5f);
    lo[static_cast<size_t>(o)] = static_cast<int32_t>(src);
    hi[static_cast<size_t>(o)] = std::min<int32_t>(static_cast<int32_t>(src) + 1, in_hw - 1);
    frac[static_cast<size_t>(o)] = src - static_cast<float>(lo[static_cast<size_t>(o)]);
  }
  const auto in = random_floats(static_cast<size_t>(in_hw * in_hw * c), 1);
  std::vector<float> out(static_cast<size_t>(out_hw * out_hw * c));
  ResizeParams p;
  p.in = in.data();
  p.out = out.data();
  p.in_h = p.in_w = in_hw;
  p.out_h = p.out_w = out_hw;
  p.c = c;
  p.y_lo = p.x_lo = lo.data();
  p.y_hi = p.x_hi = hi.data();
  p.y_frac = p.x_frac = frac.data();
  for (auto _ : state) {
    resize_bilinear_rows(p, 0, out_hw);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(state.iterations() * out_hw * out_hw * c * 4);
}

// ---- Block-quantized matmul (LLM layers) -----------------------------------
// Args: format index (kQuantFormats), shape index, threads, layout (0: GGUF
// rows as they lie, 1: prepack_quant_matmul's). GEMV (m = 1)
// reports GB/s of weight bytes read; "cold" cycles through copies of W that
// together exceed the L3 cache (128 MiB), as a model's layers do, "warm"
// reruns one W (L3-resident up to 32 MiB). GEMM (m = 512) reports GFLOP/s.
// BM_MemRead / BM_MemCopy are the machine's bandwidth yardsticks.

const BlockFormat kQuantFormats[] = {BlockFormat::kQ8_0, BlockFormat::kQ4_0, BlockFormat::kQ4_K,
                                     BlockFormat::kQ6_K, BlockFormat::kF16};
const int64_t kQuantShapes[][2] = {{2048, 2048}, {5632, 2048}};  // n, k

std::vector<uint8_t> quant_weights(BlockFormat f, int64_t n, int64_t k) {
  const int64_t row_bytes = block_row_bytes(f, k);
  std::vector<uint8_t> w(static_cast<size_t>(n * row_bytes));
  for (int64_t r = 0; r < n; ++r) {
    const auto v = random_floats(static_cast<size_t>(k), static_cast<uint32_t>(r + 1));
    uint8_t* row = w.data() + r * row_bytes;
    if (f == BlockFormat::kQ8_0) {
      quantize_row_q8_0(v, row);
    } else if (f == BlockFormat::kQ4_0) {
      quantize_row_q4_0(v, row);
    } else if (f == BlockFormat::kF16) {
      for (int64_t i = 0; i < k; ++i) {
        const uint16_t h = fp32_to_fp16(v[static_cast<size_t>(i)]);
        std::memcpy(row + 2 * i, &h, 2);
      }
    } else {  // K-quants: any bytes are valid blocks; set finite fp16 scales
      const int64_t bb = block_format_info(f).block_bytes;
      for (int64_t i = 0; i < row_bytes; ++i)
        row[i] =
            static_cast<uint8_t>(static_cast<int>((v[static_cast<size_t>(i % k)] + 0.5f) * 255));
      for (int64_t b = 0; b < row_bytes / bb; ++b) {
        const uint16_t h = fp32_to_fp16(0.01f);
        std::memcpy(row + b * bb + (f == BlockFormat::kQ4_K ? 0 : 208), &h, 2);
        if (f == BlockFormat::kQ4_K) std::memcpy(row + b * bb + 2, &h, 2);
      }
    }
  }
  return w;
}

void run_quant(benchmark::State& state, int64_t m, bool cold) {
  const BlockFormat f = kQuantFormats[state.range(0)];
  const int64_t n = kQuantShapes[state.range(1)][0], k = kQuantShapes[state.range(1)][1];
  const int threads = static_cast<int>(state.range(2));
  const std::vector<uint8_t> w0 = quant_weights(f, n, k);
  const size_t copies = cold ? std::max<size_t>(1, (size_t{128} << 20) / w0.size()) : 1;
  std::vector<uint8_t> w(w0.size() * copies);
  for (size_t c = 0; c < copies; ++c) {
    uint8_t* wc = w.data() + c * w0.size();
    std::memcpy(wc, w0.data(), w0.size());
    // Distinct copies (a host may merge identical pages). Even offsets hold
    // fp16 low (mantissa) bytes or quants: still valid, finite blocks.
    for (size_t i = 0; i < w0.size(); i += 64) wc[i] ^= static_cast<uint8_t>(c & 7);
  }
  const auto x = random_floats(static_cast<size_t>(m * k), 3);
  const auto bias = random_floats(static_cast<size_t>(n), 4);
  std::vector<float> y(static_cast<size_t>(m * n));
  ThreadPool pool(threads);
  QuantMatmul qm{f, w.data(), n, k, bias.data()};
  std::vector<uint8_t> scratch(quant_matmul_scratch_bytes(qm, m, threads));
  const bool packed = state.range(3) != 0;
  std::vector<PackedQuantMatmul> pw(packed ? copies : 0);
  for (size_t i = 0; i < pw.size(); ++i) {
    qm.weights = w.data() + i * w0.size();
    if (!prepack_quant_matmul(qm, &pw[i]).ok()) state.SkipWithError("prepack failed");
  }
  if (packed) std::vector<uint8_t>().swap(w);  // only the packed copies stay
  size_t c = 0;
  for (auto _ : state) {
    Status s;
    if (packed) {
      s = quant_matmul(pw[c], x.data(), m, y.data(), scratch.data(), pool);
    } else {
      qm.weights = w.data() + c * w0.size();
      s = quant_matmul(qm, x.data(), m, y.data(), scratch.data(), pool);
    }
    c = c + 1 == copies ? 0 : c + 1;
    if (!s.ok()) state.SkipWithError("quant_matmul failed");
    benchmark::DoNotOptimize(y.data());
  }
  if (m == 1) {
    state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(w0.size()));
  } else {
    set_gflops(state, static_cast<double>(m * n * k));
  }
  state.SetLabel(std::string(block_format_info(f).name) + (packed ? " packed" : "") +
                 " n=" + std::to_string(n) + " k=" + std::to_string(k) +
                 (m == 1 ? (cold ? " cold" : " warm") : "") + " " + quant_matmul_target());
}

void BM_QuantGemvCold(benchmark::State& state) {
  run_quant(state, 1, true);
}
void BM_QuantGemvWarm(benchmark::State& state) {
  run_quant(state, 1, false);
}
void BM_QuantGemm512(benchmark::State& state) {
  run_quant(state, 512, false);
}

// Read bandwidth: sum 64-bit words of a buffer (arg: MiB), split over threads.
void BM_MemRead(benchmark::State& state) {
  const size_t bytes = static_cast<size_t>(state.range(0)) << 20;
  const int threads = static_cast<int>(state.range(1));
  std::vector<uint64_t> buf(bytes / 8);
  for (size_t i = 0; i < buf.size(); ++i) buf[i] = i;  // distinct pages
  ThreadPool pool(threads);
  std::vector<uint64_t> sums(static_cast<size_t>(threads) * 8);
  const int64_t chunks = 64;
  for (auto _ : state) {
    pool.parallel_for(chunks, 1, [&](int64_t c0, int64_t c1, int t) {
      const size_t per = buf.size() / chunks;
      uint64_t s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      for (size_t i = static_cast<size_t>(c0) * per; i < static_cast<size_t>(c1) * per; i += 4) {
        s0 += buf[i];
        s1 += buf[i + 1];
        s2 += buf[i + 2];
        s3 += buf[i + 3];
      }
      sums[static_cast<size_t>(t) * 8] += s0 + s1 + s2 + s3;
    });
    benchmark::DoNotOptimize(sums.data());
  }
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(bytes));
}

// STREAM-like copy (memcpy) of 256 MiB; bytes counted once read + once written.
void BM_MemCopy(benchmark::State& state) {
  const size_t bytes = size_t{256} << 20;
  const int threads = static_cast<int>(state.range(0));
  std::vector<uint8_t> a(bytes), b(bytes, 2);
  for (size_t i = 0; i < bytes; ++i) a[i] = static_cast<uint8_t>(i * 131 >> 7);  // distinct pages
  ThreadPool pool(threads);
  const int64_t chunks = 64;
  for (auto _ : state) {
    pool.parallel_for(chunks, 1, [&](int64_t c0, int64_t c1, int) {
      const size_t per = bytes / chunks;
      std::memcpy(b.data() + c0 * per, a.data() + c0 * per, static_cast<size_t>(c1 - c0) * per);
    });
    benchmark::DoNotOptimize(b.data());
  }
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(2 * bytes));
}

// The machine's float32 FMA throughput, for "percent of peak".
void BM_FmaPeak(benchmark::State& state) {
  float sink = 0;
  double flops = 0;
  for (auto _ : state) flops += fma_loop(1 << 16, &sink);
  benchmark::DoNotOptimize(sink);
  state.counters["GFLOP/s"] = benchmark::Counter(flops / 1e9, benchmark::Counter::kIsRate);
  state.SetLabel(simd_target_name());
}

void conv_args(benchmark::internal::Benchmark* b) {
  for (int64_t i = 0; i < static_cast<int64_t>(std::size(kConvs)); ++i)
    for (int64_t t : {1, 2}) b->Args({i, t});
}
void dw_args(benchmark::internal::Benchmark* b) {
  for (int64_t i = 0; i < static_cast<int64_t>(std::size(kDws)); ++i)
    for (int64_t t : {1, 2}) b->Args({i, t});
}

// Every format, shape and thread count; the packed layout where there is one.
void quant_args(benchmark::internal::Benchmark* b) {
  for (int64_t f = 0; f < static_cast<int64_t>(std::size(kQuantFormats)); ++f)
    for (int64_t layout : {0, 1}) {
      if (layout == 1 && !quant_matmul_prepack_supports(kQuantFormats[f])) continue;
      for (int64_t shape : {0, 1})
        for (int64_t t : {1, 2}) b->Args({f, shape, t, layout});
    }
}

BENCHMARK(BM_FmaPeak);
BENCHMARK(BM_Conv)->Apply(conv_args)->UseRealTime();
BENCHMARK(BM_Depthwise)->Apply(dw_args)->UseRealTime();
BENCHMARK(BM_FullyConnected)->ArgsProduct({{0, 1, 2}, {1, 2}})->UseRealTime();
BENCHMARK(BM_AddRelu);
BENCHMARK(BM_PreluChannels);
BENCHMARK(BM_ResizeBilinear);
BENCHMARK(BM_QuantGemvCold)->Apply(quant_args)->UseRealTime();
BENCHMARK(BM_QuantGemvWarm)->Apply(quant_args)->UseRealTime();
BENCHMARK(BM_QuantGemm512)->Apply(quant_args)->UseRealTime();
BENCHMARK(BM_MemRead)->ArgsProduct({{8, 256}, {1, 2}})->UseRealTime();
BENCHMARK(BM_MemCopy)->Arg(1)->Arg(2)->UseRealTime();

}  // namespace
}  // namespace odin::cpu
