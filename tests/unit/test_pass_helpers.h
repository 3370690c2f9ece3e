// Hand-built graphs for the pass tests, and running a graph with or without
// passes. Header-only: shared by tests/unit/test_pass_*.cpp.
#pragma once

#include <gtest/gtest.h>

#include <cstring>
#include <vector>

#include "ops/op_def.h"
#include "passes/passes.h"
#include "quant/fp16.h"
#include "runtime/session.h"
#include "test_util.h"

namespace odin::test {

inline ValueId add_activation(Graph& g, const std::string& name, Shape shape) {
  Value v;
  v.name = name;
  v.dtype = DType::kF32;
  v.shape = std::move(shape);
  return g.add_value(std::move(v));
}

inline ValueId add_const_f32(Graph& g, const std::string& name, Shape shape,
                             const std::vector<float>& values) {
  Value v;
  v.name = name;
  v.dtype = DType::kF32;
  v.shape = std::move(shape);
  std::vector<uint8_t> bytes(values.size() * sizeof(float));
  std::memcpy(bytes.data(), values.data(), bytes.size());
  v.data_bytes = bytes.size();
  v.data = g.own_bytes(std::move(bytes));
  return g.add_value(std::move(v));
}

inline ValueId add_const_f16(Graph& g, const std::string& name, Shape shape,
                             const std::vector<float>& values) {
  Value v;
  v.name = name;
  v.dtype = DType::kF16;
  v.shape = std::move(shape);
  std::vector<uint8_t> bytes(values.size() * 2);
  for (size_t i = 0; i < values.size(); ++i) {
    const uint16_t h = fp32_to_fp16(values[i]);
    std::memcpy(bytes.data() + 2 * i, &h, 2);
  }
  v.data_bytes = bytes.size();
  v.data = g.own_bytes(std::move(bytes));
  return g.add_value(std::move(v));
}

inline NodeId add_node(Graph& g, OpType op, OpAttrs attrs, std::vector<ValueId> ins,
                       std::vector<ValueId> outs) {
  Node n;
  n.op = op;
  n.attrs = std::move(attrs);
  n.inputs = std::move(ins);
  n.outputs = std::move(outs);
  return g.add_node(std::move(n));
}

inline size_t count_op(const Graph& g, OpType op) {
  size_t n = 0;
  for (const Node& node : g.nodes()) n += node.op == op;
  return n;
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
