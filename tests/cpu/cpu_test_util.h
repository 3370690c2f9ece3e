// Helpers for the optimized-kernel tests: the reference result of a graph
// (kernels/reference, node by node), and running one optimized CpuOp on the
// same inputs with 1, 2 and 3 threads, in place where the op allows it.
#pragma once

#include <gtest/gtest.h>

#include <cstring>
#include <map>
#include <vector>

#include "backends/cpu/cpu_op.h"
#include "graph_builder.h"
#include "ops/op_def.h"
#include "test_util.h"

namespace odin::test {

// Float data for every non-constant value: graph inputs random, the rest
// computed by the reference kernels in node order.
struct Buffers {
  std::map<ValueId, std::vector<float>> data;
  const void* ptr(const Graph& g, ValueId v) const {
    if (g.value(v).is_constant()) return g.value(v).data;
    return data.at(v).data();
  }
};

inline Buffers reference_buffers(const Graph& g, uint64_t seed = 11) {
  Buffers b;
  for (ValueId v : g.inputs()) {
    const auto n = static_cast<size_t>(g.value(v).shape.num_elements());
    b.data[v] = splitmix_values(n, seed + static_cast<uint64_t>(v), -2.0f, 2.0f);
  }
  for (const Node& n : g.nodes()) {
    std::vector<ConstTensorView> ins;
    std::vector<TensorView> outs;
    for (ValueId v : n.inputs)
      ins.push_back(v == kNoValue
                        ? ConstTensorView{}
                        : ConstTensorView{g.value(v).dtype, g.value(v).shape, b.ptr(g, v)});
    for (ValueId v : n.outputs) {
      b.data[v].assign(static_cast<size_t>(g.value(v).shape.num_elements()), 0.0f);
      outs.push_back({g.value(v).dtype, g.value(v).shape, b.data[v].data()});
    }
    const Status s = odin::run_reference(g, n, ins, outs);
    EXPECT_TRUE(s.ok()) << s.to_string();
  }
  return b;
}

// Runs `op` (reading the reference buffers) with 1, 2 and 3 threads and
// compares its output with the reference's. `in_place`: also run with the
// output written over reads[0] (the memory planner's in-place case).
inline void expect_op_matches(const Graph& g, CpuOp& op, const std::string& what,
                              bool in_place = false, double tol = 1e-5) {
  const Buffers ref = reference_buffers(g);
  ASSERT_EQ(op.writes.size(), 1u);
  const ValueId out = op.writes[0];
  const std::vector<float>& want = ref.data.at(out);
  for (int threads : {1, 2, 3}) {
    ThreadPool pool(threads);
    for (bool alias : {false, true}) {
      if (alias && !in_place) continue;
      std::vector<std::vector<float>> copies;
      std::vector<ConstTensorView> in;
      for (ValueId v : op.reads) {
        const Value& val = g.value(v);
        if (val.is_constant()) {
          in.push_back({val.dtype, val.shape, val.data});
        } else {
          copies.push_back(ref.data.at(v));
          in.push_back({val.dtype, val.shape, copies.back().data()});
        }
      }
      std::vector<float> got(want.size(), -12345.0f);
      void* dst = got.data();
      if (alias) {
        ASSERT_EQ(copies.front().size(), want.size()) << what;
        dst = copies.front().data();
        in[0].data = dst;
      }
      const Value& o = g.value(out);
      std::vector<TensorView> outs = {{o.dtype, o.shape, dst}};
      op.run(in, outs, pool);
      const float* result = alias ? static_cast<const float*>(dst) : got.data();
      const double rr = rel_range(want.data(), result, want.size());
      EXPECT_LE(rr, tol) << what << " threads=" << threads << (alias ? " in place" : "");
    }
  }
}

}  // namespace odin::test
