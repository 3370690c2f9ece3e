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
    {"3x3 s1 64x64x24 (BlazeFace)", 64, 64, 24, 3, 1}, {"3x3 s2 64x64x28", 64, 64, 28, 3, 2},
    {"3x3 s1 96x96x32 (palm)", 96, 96, 32, 3, 1},      {"3x3 s1 12x12x128", 12, 12, 128, 3, 1},
    {"5x5 s1 56x56x48 (hand)", 56, 56, 48, 5, 1},      {"5x5 s2 28x28x96", 28, 28, 96, 5, 2},
    {"3x3 s1 56x56x128", 56, 56, 128, 3, 1},           {"3x3 s1 57x57x120", 57, 57, 120, 3, 1},
    {"3x3 s1 16x16x128", 16, 16, 128, 3, 1},
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
    binary_same(OpType::kAdd, a.data(), b.data(), out.data(), n, Clamp{0.0f, 1e30f});
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

BENCHMARK(BM_FmaPeak);
BENCHMARK(BM_Conv)->Apply(conv_args)->UseRealTime();
BENCHMARK(BM_Depthwise)->Apply(dw_args)->UseRealTime();
BENCHMARK(BM_FullyConnected)->ArgsProduct({{0, 1, 2}, {1, 2}})->UseRealTime();
BENCHMARK(BM_AddRelu);
BENCHMARK(BM_PreluChannels);
BENCHMARK(BM_ResizeBilinear);

}  // namespace
}  // namespace odin::cpu
