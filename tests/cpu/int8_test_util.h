// Helpers of the int8 kernel tests (test_cpu_int8*.cpp): random quantized
// values and tables, every compiled SIMD target, and the exact comparison of
// one node's optimized op with its reference kernel.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "backends/cpu/cpu_op.h"
#include "graph_builder.h"
#include "hwy/targets.h"
#include "kernels/cpu/int8_kernels.h"
#include "ops/op_def.h"

namespace odin::test {

// Runs fn once per target; a forced target the kernels were not compiled
// for (the dispatch falls back to another one) is skipped.
inline void for_each_target(const std::function<void()>& fn) {
#if HWY_ARCH_X86
  const int64_t supported = hwy::SupportedTargets();
  for (int64_t t : {int64_t{HWY_AVX3_DL}, int64_t{HWY_AVX3}, int64_t{HWY_AVX2}, int64_t{HWY_EMU128},
                    int64_t{HWY_SCALAR}}) {
    if (!(supported & t)) continue;
    hwy::SetSupportedTargetsForTest(t);
    if (std::string(cpu::int8_target_name()) == hwy::TargetName(t)) fn();
    hwy::SetSupportedTargetsForTest(0);
    if (testing::Test::HasFailure()) return;
  }
#else
  fn();
#endif
}

struct Rng {
  std::mt19937 gen;
  explicit Rng(uint32_t seed) : gen(seed) {}
  int32_t integer(int32_t lo, int32_t hi) {
    return std::uniform_int_distribution<int32_t>(lo, hi)(gen);
  }
  float real(float lo, float hi) { return std::uniform_real_distribution<float>(lo, hi)(gen); }
};

inline QuantParams per_tensor(float scale, int64_t zero) {
  return QuantParams{.scales = {scale}, .zero_points = {zero}};
}

// A value of `t` with random bytes (constant when `constant`).
inline ValueId add_quantized(Graph& g, Shape shape, DType t, QuantParams q, Rng& rng,
                             bool constant) {
  Value v;
  v.name = str_cat("v", g.num_values());
  v.dtype = t;
  v.shape = std::move(shape);
  v.quant = std::move(q);
  if (constant) {
    std::vector<uint8_t> bytes(static_cast<size_t>(v.shape.num_elements()));
    for (uint8_t& b : bytes) b = static_cast<uint8_t>(rng.integer(0, 255));
    v.data_bytes = bytes.size();
    v.data = g.own_bytes(std::move(bytes));
  }
  return g.add_value(std::move(v));
}

// Weights of `channels` output channels along `axis`: per-channel scales
// (or one), int8 zero points 0, uint8 ones near 128 (per channel too).
inline QuantParams weight_quant(DType t, int64_t channels, int axis, bool per_channel, Rng& rng) {
  QuantParams q;
  q.axis = axis;
  const int64_t n = per_channel ? channels : 1;
  for (int64_t c = 0; c < n; ++c) {
    q.scales.push_back(rng.real(0.002f, 0.02f));
    q.zero_points.push_back(t == DType::kU8 ? rng.integer(100, 156) : 0);
  }
  return q;
}

// A bias of the order of sums of k products (about sqrt(k) * 75 * 75).
inline ValueId random_bias(Graph& g, int64_t channels, int64_t k, Rng& rng) {
  const auto r = static_cast<int32_t>(std::sqrt(static_cast<float>(k)) * 3000.0f);
  std::vector<int32_t> b(static_cast<size_t>(channels));
  for (int32_t& v : b) v = rng.integer(-r, r);
  return add_const_i32(g, Shape{channels}, b);
}

// Runs the node's reference kernel and the optimized op (which must exist)
// on the same random input bytes and expects the same output bytes with
// SessionOptions::exact_int8, and values at most one step away (in at most
// 10 % of the elements) with the default float32 requantization.
// `f32_input`: the data of a float32 input (else random bytes);
// `spread`: expect the outputs to take many values.
inline void expect_same_bytes(const Graph& g, const std::string& what,
                              const std::vector<float>* f32_input = nullptr, bool spread = true) {
  const Node& node = g.nodes().back();
  Rng rng(7);
  std::vector<std::vector<uint8_t>> data(g.num_values());
  std::vector<ConstTensorView> ins;
  for (ValueId v : node.inputs) {
    const Value& val = g.value(v);
    if (val.is_constant()) {
      ins.push_back({val.dtype, val.shape, val.data});
      continue;
    }
    if (f32_input && val.dtype == DType::kF32) {
      data[v].resize(f32_input->size() * sizeof(float));
      std::memcpy(data[v].data(), f32_input->data(), data[v].size());
    } else {
      data[v].resize(static_cast<size_t>(val.shape.num_elements()));
      for (uint8_t& b : data[v]) b = static_cast<uint8_t>(rng.integer(0, 255));
    }
    ins.push_back({val.dtype, val.shape, data[v].data()});
  }
  size_t off_by_one_total = 0, elements_total = 0;
  const Value& out = g.value(node.outputs[0]);
  std::vector<uint8_t> want(static_cast<size_t>(out.shape.num_elements()), 0);
  std::vector<TensorView> outs = {{out.dtype, out.shape, want.data()}};
  const Status s = run_reference(g, node, ins, outs);
  ASSERT_TRUE(s.ok()) << s.to_string();
  // The case tests something: the outputs take many values.
  std::vector<bool> seen(256, false);
  for (uint8_t b : want) seen[b] = true;
  const auto distinct = std::count(seen.begin(), seen.end(), true);
  if (spread) {
    EXPECT_GE(distinct, std::min<int64_t>(5, static_cast<int64_t>(want.size()) / 2)) << what;
  }
  int targets = 0;
  for_each_target([&] {
    ++targets;
    for (bool exact : {true, false})
      for (int threads : {1, 2}) {
        CpuOpContext ctx{g, threads};
        ctx.exact_int8 = exact;
        std::unique_ptr<CpuOp> op = make_cpu_op(ctx, node);
        ASSERT_TRUE(op) << what << ": no optimized op";
        std::vector<ConstTensorView> reads;
        for (ValueId v : op->reads)
          reads.push_back({g.value(v).dtype, g.value(v).shape, data[v].data()});
        std::vector<uint8_t> got(want.size(), 0x5a);
        std::vector<TensorView> writes = {{out.dtype, out.shape, got.data()}};
        ThreadPool pool(threads);
        op->run(reads, writes, pool);
        // Bytes of one dtype: compare as values (int8 bytes wrap at 128).
        const bool is_signed = out.dtype == DType::kI8;
        auto value = [&](uint8_t b) { return is_signed ? int{static_cast<int8_t>(b)} : int{b}; };
        size_t diffs = 0, first = 0, beyond_one = 0;
        for (size_t i = 0; i < want.size(); ++i) {
          if (got[i] == want[i]) continue;
          if (diffs++ == 0) first = i;
          if (std::abs(value(got[i]) - value(want[i])) > 1) ++beyond_one;
        }
        const std::string where = str_cat(what, " ", cpu::int8_target_name(), " threads=", threads,
                                          exact ? " exact" : " float requantization");
        if (exact) {
          EXPECT_EQ(diffs, 0u) << where << ": first at " << first << " got " << int{got[first]}
                               << " want " << int{want[first]};
          continue;
        }
        // Float32 requantization: one step from the reference where the
        // product is (near) a tie, which the two round differently: a few
        // elements (PRELU's test scales, 0.05 / 0.04, make every fourth
        // positive value an exact tie).
        EXPECT_EQ(beyond_one, 0u) << where;
        EXPECT_LE(diffs, std::max<size_t>(2, want.size() / 10)) << where;
        if (threads == 1) off_by_one_total += diffs;
        if (threads == 1) elements_total += want.size();
      }
  });
  if (elements_total > 0)
    std::printf("%s: float requantization one step from the reference in %zu of %zu elements\n",
                what.c_str(), off_by_one_total, elements_total);
#if HWY_ARCH_X86
  EXPECT_GE(targets, 2) << what;  // at least AVX2 and the fallback
#endif
}

}  // namespace odin::test
