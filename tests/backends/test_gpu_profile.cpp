// Per-node GPU times: a profiled run on Vulkan (timestamp queries) and
// OpenCL (profiling events) gives every node that launched kernels a
// measured time > 0, the times add up to no more than the run's wall time,
// and nodes without kernels (RESHAPE) cost nothing. Skipped without a device.
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "graph_builder.h"
#include "runtime/session.h"
#include "test_util.h"

namespace odin {
namespace {

// conv -> depthwise -> add(conv) -> reshape -> fully connected.
Graph profiled_graph() {
  test::GraphMaker m;
  const ValueId x = m.input("x", Shape({1, 16, 16, 8}));
  Conv2DAttrs ca;
  ca.padding = Padding::kSame;
  const ValueId c = m.node(
      OpType::kConv2D,
      {x, m.constant_f32("w", Shape({8, 3, 3, 8}), test::splitmix_values(576, 1, -0.2f, 0.2f))},
      ca);
  DepthwiseConv2DAttrs da;
  da.padding = Padding::kSame;
  const ValueId d = m.node(
      OpType::kDepthwiseConv2D,
      {c, m.constant_f32("dw", Shape({1, 3, 3, 8}), test::splitmix_values(72, 2, -0.5f, 0.5f))},
      da);
  const ValueId a = m.node(OpType::kAdd, {c, d}, BinaryAttrs{});
  const ValueId r =
      m.node(OpType::kReshape, {a, m.constant_i32("shape", Shape({2}), {1, 2048})}, {});
  const ValueId y = m.node(
      OpType::kFullyConnected,
      {r, m.constant_f32("fc", Shape({10, 2048}), test::splitmix_values(20480, 3, -0.05f, 0.05f))},
      FullyConnectedAttrs{});
  return m.finish({y});
}

class GpuProfile : public ::testing::TestWithParam<std::string> {};

TEST_P(GpuProfile, EveryKernelNodeHasAMeasuredTime) {
  Backend* b = find_backend(GetParam());
  if (!b || !b->available())
    GTEST_SKIP() << "skipped: no device (" << (b ? b->unavailable_reason() : "not built") << ")";
  const Graph g = profiled_graph();
  SessionOptions o;
  o.backends = {GetParam()};
  o.profile = true;
  auto s = Session::create(g, o);
  ASSERT_TRUE(s.ok()) << s.status().message();
  const std::vector<float> in = test::splitmix_values(2048, 7, -1, 1);
  for (int run = 0; run < 3; ++run) {
    ASSERT_TRUE((*s)->set_input(0, in.data(), in.size() * 4).ok());
    const auto t0 = std::chrono::steady_clock::now();
    ASSERT_TRUE((*s)->run().ok());
    const double wall =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    const Graph& run_graph = (*s)->graph();
    const std::vector<double>& ms = (*s)->node_times_ms();
    ASSERT_EQ(ms.size(), run_graph.num_nodes());
    double sum = 0;
    int kernel_nodes = 0;
    for (size_t n = 0; n < ms.size(); ++n) {
      ASSERT_EQ((*s)->node_backend(n), GetParam()) << "node " << n;
      sum += ms[n];
      if (run_graph.node(static_cast<NodeId>(n)).op == OpType::kReshape) {
        EXPECT_EQ(ms[n], 0.0) << "a RESHAPE launches nothing";
      } else {
        EXPECT_GT(ms[n], 0.0) << "node " << n;
        ++kernel_nodes;
      }
    }
    EXPECT_LE(sum, wall * 1.02 + 0.05);
    EXPECT_EQ((*s)->run_stats().dispatches, kernel_nodes);  // one kernel each here
    EXPECT_EQ((*s)->run_stats().submits, 1);
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, GpuProfile, ::testing::Values("vulkan", "opencl"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace odin
