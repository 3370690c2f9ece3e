#include "vk_test_util.h"

#include <cstring>

#include "ops/op_def.h"
#include "quant/fp16.h"
#include "runtime/session.h"
#include "test_util.h"

namespace odin::test {

RunResult run_graph(const Graph& graph, std::vector<std::string> backends, bool fp16,
                    bool optimize) {
  RunResult r;
  SessionOptions options;
  options.backends = std::move(backends);
  options.allow_reduced_precision = fp16;
  options.optimize = optimize;
  auto session = Session::create(graph, options);
  EXPECT_TRUE(session.ok()) << session.status().to_string();
  if (!session.ok()) return r;
  Session& s = **session;
  for (size_t i = 0; i < s.num_inputs(); ++i) {
    const Value& v = s.input_info(i);
    const auto n = static_cast<size_t>(v.shape.num_elements());
    if (v.dtype == DType::kF32) {
      const std::vector<float> x = splitmix_values(n, 7 + i, -2.0f, 2.0f);
      EXPECT_TRUE(s.set_input(i, x.data(), n * 4).ok());
    } else {
      const std::vector<int32_t> x(n, 0);
      EXPECT_TRUE(s.set_input(i, x.data(), n * 4).ok());
    }
  }
  const Status st = s.run();
  EXPECT_TRUE(st.ok()) << st.to_string();
  for (size_t i = 0; i < s.num_outputs(); ++i) {
    const ConstTensorView t = s.output(i);
    r.outputs.emplace_back(t.as<float>(), t.as<float>() + t.num_elements());
  }
  for (size_t n = 0; n < s.graph().num_nodes(); ++n) {
    r.node_backend.emplace_back(s.node_backend(n));
    r.node_fallback.push_back(s.node_fallback(n));
  }
  r.segments = s.schedule().segments.size();
  r.stats = s.run_stats();
  return r;
}

}  // namespace odin::test
