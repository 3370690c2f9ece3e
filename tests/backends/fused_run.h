// Runs a graph on a backend preference list and keeps what the fusion tests
// compare: the first output, the node count after the passes, and where
// node 0 ran (and why not elsewhere). Inputs are SplitMix64 values in
// [-1, 1], seed 3 + i, the same for every backend.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "runtime/session.h"
#include "test_util.h"

namespace odin::test {

struct FusedRun {
  std::vector<float> out;
  size_t nodes = 0;
  std::string backend, fallback;
};

// tune_candidate >= 0: that tuning candidate for every tunable kernel
// (SessionOptions::tune_candidate).
inline FusedRun run_fused(const Graph& g, const std::vector<std::string>& backends, bool optimize,
                          bool fp16 = false, int tune_candidate = -1) {
  SessionOptions o;
  o.tune_candidate = tune_candidate;
  o.backends = backends;
  o.optimize = optimize;
  o.allow_reduced_precision = fp16;
  auto s = Session::create(g, o);
  EXPECT_TRUE(s.ok()) << s.status().to_string();
  if (!s.ok()) return {};
  Session& session = **s;
  for (size_t i = 0; i < session.num_inputs(); ++i) {
    const auto n = static_cast<size_t>(session.input_info(i).shape.num_elements());
    const std::vector<float> in = splitmix_values(n, 3 + i, -1.0f, 1.0f);
    EXPECT_TRUE(session.set_input(i, in.data(), n * sizeof(float)).ok());
  }
  EXPECT_TRUE(session.run().ok());
  const ConstTensorView out = session.output(0);
  const float* p = out.as<float>();
  return {std::vector<float>(p, p + out.num_elements()), session.graph().num_nodes(),
          std::string(session.node_backend(0)), session.node_fallback(0)};
}

}  // namespace odin::test
