// Which kernel a CONV_2D lowers to on Vulkan (backends/vulkan/vk_ops_conv.cpp):
// a 1x1, stride 1, unpadded layer is offered conv2d_tiled.comp's tiles (5,
// the 64 x 32 tile the default on a GPU) and conv2d.comp's pixel counts (3,
// the default on a CPU device such as lavapipe); other layers only
// conv2d.comp. Tiles whose shared memory the device lacks are not offered,
// and with none left the layer takes conv2d.comp alone, still matching the
// reference. (Results of every candidate on odd shapes:
// tests/backends/test_backend_conv_gemm.cpp.)
#include <gtest/gtest.h>

#include "backends/vulkan/vk_context.h"
#include "backends/vulkan/vk_executable.h"
#include "backends/vulkan/vulkan_backend.h"
#include "graph_builder.h"
#include "runtime/session.h"
#include "test_util.h"
#include "vk_test_util.h"

namespace odin::test {
namespace {

// x [1, 9, 10, 20] -> CONV_2D k x k, stride s, SAME, 28 output channels.
Graph conv_graph(int64_t k, int32_t stride) {
  GraphMaker m;
  const ValueId x = m.input("x", Shape({1, 9, 10, 20}));
  Conv2DAttrs a;
  a.padding = Padding::kSame;
  a.stride_h = a.stride_w = stride;
  const ValueId w = m.constant_f32("w", Shape({28, k, k, 20}),
                                   splitmix_values(static_cast<size_t>(28 * k * k * 20), 5, -1, 1));
  return m.finish({m.node(OpType::kConv2D, {x, w}, a)});
}

// x [rows, 37] -> FULLY_CONNECTED, 70 units.
Graph fc_graph(int64_t rows) {
  GraphMaker m;
  const ValueId x = m.input("x", Shape({rows, 37}));
  const ValueId w = m.constant_f32("w", Shape({70, 37}), splitmix_values(70 * 37, 6, -1, 1));
  return m.finish({m.node(OpType::kFullyConnected, {x, w}, FullyConnectedAttrs{})});
}

// The kernels of node 0's dispatches when compiled on `backend` with
// tuning candidate `candidate` (-1: the default).
std::vector<std::string> kernels_of(const Graph& g, const std::string& backend, int candidate) {
  CompileOptions co;
  co.tune_candidate = candidate;
  const NodeId nodes[] = {0};
  auto exe = vulkan_of(*find_backend(backend))->compile(g, nodes, co);
  EXPECT_TRUE(exe.ok()) << exe.status().to_string();
  if (!exe.ok()) return {};
  return dynamic_cast<const vk::VulkanExecutable&>(**exe).stats().kernels;
}

// How many of the candidates 0..n-1 lower to conv2d_tiled (the rest to
// the direct kernel).
int tiled_candidates(const Graph& g, const std::string& backend, int n) {
  int tiled = 0;
  for (int c = 0; c < n; ++c) {
    const std::vector<std::string> k = kernels_of(g, backend, c);
    EXPECT_EQ(k.size(), 1u);
    if (k.size() != 1) continue;
    EXPECT_TRUE(k[0] == "conv2d_tiled" || k[0] == "conv2d" || k[0] == "fully_connected") << k[0];
    tiled += k[0] == "conv2d_tiled";
  }
  return tiled;
}

bool cpu_device() {
  return vk::backend_context(*find_backend("vulkan"))->info().kind == vk::DeviceKind::kCpu;
}

TEST(VulkanConvTiled, OneByOneLayersAreOfferedTheTiles) {
  ODIN_REQUIRE_VULKAN();
  const Graph g = conv_graph(1, 1);
  EXPECT_EQ(tiled_candidates(g, "vulkan", 8), 5);
  EXPECT_EQ(kernels_of(g, "vulkan", -1),
            std::vector<std::string>{cpu_device() ? "conv2d" : "conv2d_tiled"});
  for (const Graph& other : {conv_graph(3, 1), conv_graph(1, 2)})
    EXPECT_EQ(tiled_candidates(other, "vulkan", 6), 0);
}

// FULLY_CONNECTED of 8 rows or more is offered the same tiles (and its own
// kernel's 4 work groups); fewer rows only its own kernel.
TEST(VulkanConvTiled, FullyConnectedOfEightRowsOrMoreIsOfferedTheTiles) {
  ODIN_REQUIRE_VULKAN();
  EXPECT_EQ(tiled_candidates(fc_graph(11), "vulkan", 9), 5);
  EXPECT_EQ(tiled_candidates(fc_graph(7), "vulkan", 4), 0);
}

// FULLY_CONNECTED over `seq` rows set per run (an LLM's prompt chunks and
// steps), planned at 40: runs of 8 rows or more take the tiles (forced),
// fewer fully_connected.comp; each run against the reference.
TEST(VulkanConvTiled, FullyConnectedRowsSetPerRun) {
  ODIN_REQUIRE_VULKAN();
  Graph g;
  g.dim_symbols().push_back({"seq", 40});
  const ValueId x = add_value(g, "x", Shape({kDynamicDim, 37}));
  g.value(x).shape.set_symbol(0, "seq");
  g.inputs().push_back(x);
  const ValueId w = add_const_f32(g, "w", Shape({70, 37}), splitmix_values(70 * 37, 8, -1, 1));
  const ValueId y = add_value(g, "y", Shape());
  FullyConnectedAttrs a;
  a.activation = Activation::kRelu6;
  add_node(g, OpType::kFullyConnected, a, {x, w}, {y});
  g.outputs() = {y};
  ASSERT_TRUE(infer_graph(g).ok());
  auto session = [&](const std::string& backend, int candidate) -> std::unique_ptr<Session> {
    SessionOptions o;
    o.backends = {backend};
    o.optimize = backend != "cpu";
    o.tune_candidate = candidate;
    auto s = Session::create(g, o);
    EXPECT_TRUE(s.ok()) << s.status().to_string();
    return s.ok() ? std::move(s).value() : nullptr;
  };
  // The first tile: after fully_connected.comp's 4 work groups on a CPU device.
  auto vk = session("vulkan", cpu_device() ? 4 : 0);
  auto ref = session("cpu", -1);
  ASSERT_TRUE(vk && ref);
  for (int64_t n : {40, 3, 17, 8, 7, 1, 33}) {
    const std::vector<float> in = splitmix_values(static_cast<size_t>(n * 37), 9 + n, -1, 1);
    std::vector<float> out[2];
    int i = 0;
    for (Session* s : {ref.get(), vk.get()}) {
      ASSERT_TRUE(s->set_dim("seq", n).ok());
      ASSERT_TRUE(s->set_input(0, in.data(), in.size() * 4).ok());
      ASSERT_TRUE(s->run().ok());
      const ConstTensorView v = s->output(0);
      out[i++].assign(v.as<float>(), v.as<float>() + v.num_elements());
    }
    ASSERT_EQ(out[0].size(), static_cast<size_t>(n * 70));
    ASSERT_EQ(out[1].size(), out[0].size());
    EXPECT_LE(rel_range(out[0].data(), out[1].data(), out[0].size()), 1e-5) << n << " rows";
  }
}

// Vulkan guarantees 16384 bytes, which every tile fits; a device limited to
// 4096 fits only the 32 x 32 tile, one limited to 2048 none.
TEST(VulkanConvTiled, TilesNeedTheirSharedMemory) {
  ODIN_REQUIRE_VULKAN();
  static const Status registered = [] {
    for (uint32_t bytes : {4096u, 2048u}) {
      vk::ContextOptions options;
      options.max_shared_memory = bytes;
      ODIN_RETURN_IF_ERROR(register_vulkan_backend(str_cat("vulkan_", bytes, "_shared"), options));
    }
    return Status();
  }();
  ASSERT_TRUE(registered.ok()) << registered.message();
  const Graph g = conv_graph(1, 1);
  EXPECT_EQ(tiled_candidates(g, "vulkan_4096_shared", 4), 1);
  EXPECT_EQ(tiled_candidates(g, "vulkan_2048_shared", 6), 0);
  const RunResult want = run_graph(g, {"cpu"});
  for (const char* backend : {"vulkan_4096_shared", "vulkan_2048_shared"}) {
    const RunResult got = run_graph(g, {backend});
    ASSERT_EQ(got.outputs.size(), 1u);
    EXPECT_EQ(got.node_backend[0], backend);
    EXPECT_LE(rel_range(want.outputs[0].data(), got.outputs[0].data(), want.outputs[0].size()),
              1e-5)
        << backend;
  }
}

// A device of Vulkan's minimum 128 invocations a workgroup is never given a
// larger one: every candidate compiles (the 256-wide tile and work groups
// are dropped, so the forced indices past the end land on the last that
// fits) and matches the reference.
TEST(VulkanConvTiled, CandidatesFitTheWorkgroupLimit) {
  ODIN_REQUIRE_VULKAN();
  static const Status registered = [] {
    vk::ContextOptions options;
    options.max_workgroup_invocations = 128;
    return register_vulkan_backend("vulkan_128_invocations", options);
  }();
  ASSERT_TRUE(registered.ok()) << registered.message();
  const Graph g = conv_graph(1, 1);
  EXPECT_EQ(tiled_candidates(g, "vulkan_128_invocations", 7), 4);  // 5 tiles, one of 256
  const std::vector<float> x = splitmix_values(9 * 10 * 20, 1, -1, 1);
  auto run = [&](const std::string& backend, int candidate) {
    SessionOptions o;
    o.backends = {backend};
    o.tune_candidate = candidate;
    auto s = Session::create(g, o);
    EXPECT_TRUE(s.ok()) << backend << " candidate " << candidate << ": " << s.status().to_string();
    if (!s.ok()) return std::vector<float>();
    EXPECT_TRUE((*s)->set_input(0, x.data(), x.size() * 4).ok());
    EXPECT_TRUE((*s)->run().ok());
    const ConstTensorView y = (*s)->output(0);
    return std::vector<float>(y.as<float>(), y.as<float>() + y.num_elements());
  };
  const std::vector<float> want = run("cpu", -1);
  for (int c = 0; c < 8; ++c) {
    const std::vector<float> got = run("vulkan_128_invocations", c);
    ASSERT_EQ(got.size(), want.size()) << "candidate " << c;
    EXPECT_LE(rel_range(want.data(), got.data(), want.size()), 1e-5) << "candidate " << c;
  }
}

}  // namespace
}  // namespace odin::test
