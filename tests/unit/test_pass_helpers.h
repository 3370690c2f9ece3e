// Running a graph with or without passes, for the pass tests (graphs come
// from graph_builder.h). Header-only: shared by tests/unit/test_pass_*.cpp.
#pragma once

#include <gtest/gtest.h>

#include <cstring>
#include <vector>

#include "graph_builder.h"
#include "ops/op_def.h"
#include "passes/passes.h"
#include "quant/fp16.h"
#include "runtime/session.h"
#include "test_util.h"

namespace odin::test {

// The count a pass returned (nodes rewritten or removed); -1, and a test
// failure, when it failed.
inline int pass_count(Result<int> n) {
  EXPECT_TRUE(n.ok()) << n.status().to_string();
  return n.ok() ? *n : -1;
}

// A SAME-padded CONV_2D's attributes (the pass tests' usual producer).
inline Conv2DAttrs same_conv(Activation act = Activation::kNone) {
  Conv2DAttrs a;
  a.padding = Padding::kSame;
  a.activation = act;
  return a;
}

// Runs `graph` as it is, with reference kernels only (no passes, no constant
// folding, no optimized kernels) on seeded random inputs; returns every output.
inline std::vector<std::vector<float>> run_unoptimized(const Graph& graph, uint64_t seed = 7) {
  SessionOptions o;
  o.optimize = false;
  o.fold_constants = false;
  auto s = Session::create(graph, o);
  EXPECT_TRUE(s.ok()) << s.status().to_string();
  if (!s.ok()) return {};
  for (size_t i = 0; i < (*s)->num_inputs(); ++i) {
    const auto n = static_cast<size_t>((*s)->input_info(i).shape.num_elements());
    const std::vector<float> x = splitmix_values(n, seed + i, -2.0f, 2.0f);
    EXPECT_TRUE((*s)->set_input(i, x.data(), n * sizeof(float)).ok());
  }
  const Status st = (*s)->run();
  EXPECT_TRUE(st.ok()) << st.to_string();
  std::vector<std::vector<float>> outs;
  for (size_t i = 0; i < (*s)->num_outputs(); ++i) {
    const ConstTensorView t = (*s)->output(i);
    outs.emplace_back(t.as<float>(), t.as<float>() + t.num_elements());
  }
  return outs;
}

// The pass must not change any output: the same reference kernels run the
// graph before and after, so the results are identical.
inline void expect_same_outputs(const Graph& before, const Graph& after) {
  const auto want = run_unoptimized(before);
  const auto got = run_unoptimized(after);
  ASSERT_EQ(want.size(), got.size());
  for (size_t i = 0; i < want.size(); ++i) {
    ASSERT_EQ(want[i].size(), got[i].size());
    EXPECT_EQ(max_abs_diff(want[i].data(), got[i].data(), want[i].size()), 0.0) << "output " << i;
  }
}

}  // namespace odin::test
