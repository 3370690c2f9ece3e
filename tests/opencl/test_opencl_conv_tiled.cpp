// Which kernel a CONV_2D lowers to on OpenCL (backends/opencl/cl_ops_conv.cpp):
// a 1x1, stride 1, unpadded layer is offered conv2d_tiled's local-memory
// tiles (5, the 64 x 32 tile the default) and conv2d's output channels per
// work item (3); other layers only conv2d; FULLY_CONNECTED of 8 rows or
// more the tiles and its own kernel's work groups. Tiles whose local memory
// the device lacks are not offered, and with none left the layer takes
// conv2d alone. (Results of every candidate on odd shapes:
// tests/backends/test_backend_conv_gemm.cpp.)
#ifdef ODIN_HAVE_OPENCL  // the whole file: these need the backend built in
#include <gtest/gtest.h>

#include "backends/opencl/cl_context.h"
#include "backends/opencl/cl_executable.h"
#include "backends/opencl/opencl_backend.h"
#include "graph_builder.h"
#include "runtime/session.h"
#include "test_util.h"

namespace odin {
namespace {

// x [1, 9, 10, 20] -> CONV_2D k x k, stride s, SAME, 28 output channels.
Graph conv_graph(int64_t k, int32_t stride) {
  test::GraphMaker m;
  const ValueId x = m.input("x", Shape({1, 9, 10, 20}));
  Conv2DAttrs a;
  a.padding = Padding::kSame;
  a.stride_h = a.stride_w = stride;
  const ValueId w =
      m.constant_f32("w", Shape({28, k, k, 20}),
                     test::splitmix_values(static_cast<size_t>(28 * k * k * 20), 5, -1, 1));
  return m.finish({m.node(OpType::kConv2D, {x, w}, a)});
}

// x [rows, 37] -> FULLY_CONNECTED, 70 units.
Graph fc_graph(int64_t rows) {
  test::GraphMaker m;
  const ValueId x = m.input("x", Shape({rows, 37}));
  const ValueId w = m.constant_f32("w", Shape({70, 37}), test::splitmix_values(70 * 37, 6, -1, 1));
  return m.finish({m.node(OpType::kFullyConnected, {x, w}, FullyConnectedAttrs{})});
}

// The kernels of node 0's launches when compiled on `backend` with tuning
// candidate `candidate` (-1: the default).
std::vector<std::string> kernels_of(const Graph& g, Backend& backend, int candidate) {
  CompileOptions co;
  co.tune_candidate = candidate;
  const NodeId nodes[] = {0};
  auto exe = backend.compile(g, nodes, co);
  EXPECT_TRUE(exe.ok()) << exe.status().to_string();
  if (!exe.ok()) return {};
  return dynamic_cast<const cl::OpenCLExecutable&>(**exe).stats().kernels;
}

// How many of the candidates 0..n-1 lower to conv2d_tiled (the rest to
// the direct kernel).
int tiled_candidates(const Graph& g, Backend& backend, int n) {
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

Backend* opencl_or_skip() {
  Backend* b = find_backend("opencl");
  return b && b->available() ? b : nullptr;
}

TEST(OpenCLConvTiled, OneByOneLayersAreOfferedTheTiles) {
  Backend* b = opencl_or_skip();
  if (!b) GTEST_SKIP() << "skipped: no OpenCL device";
  const Graph g = conv_graph(1, 1);
  EXPECT_EQ(tiled_candidates(g, *b, 8), 5);
  EXPECT_EQ(kernels_of(g, *b, -1), std::vector<std::string>{"conv2d_tiled"});
  for (const Graph& other : {conv_graph(3, 1), conv_graph(1, 2)})
    EXPECT_EQ(tiled_candidates(other, *b, 6), 0);
}

// FULLY_CONNECTED of 8 rows or more is offered the same tiles (and its own
// kernel's 4 work groups); fewer rows only its own kernel.
TEST(OpenCLConvTiled, FullyConnectedOfEightRowsOrMoreIsOfferedTheTiles) {
  Backend* b = opencl_or_skip();
  if (!b) GTEST_SKIP() << "skipped: no OpenCL device";
  EXPECT_EQ(tiled_candidates(fc_graph(11), *b, 9), 5);
  EXPECT_EQ(tiled_candidates(fc_graph(7), *b, 4), 0);
}

// A device with 4096 bytes of local memory fits only the 32 x 32 tile, one
// with 2048 none.
TEST(OpenCLConvTiled, TilesNeedTheirLocalMemory) {
  Backend* b = opencl_or_skip();
  if (!b) GTEST_SKIP() << "skipped: no OpenCL device";
  const Graph g = conv_graph(1, 1);
  for (uint64_t bytes : {4096u, 2048u}) {
    cl::ContextOptions options;
    options.max_local_memory = bytes;
    const std::unique_ptr<Backend> small = make_opencl_backend(options);
    ASSERT_TRUE(small->available());
    EXPECT_EQ(tiled_candidates(g, *small, bytes == 2048 ? 6 : 4), bytes == 2048 ? 0 : 1) << bytes;
  }
}

}  // namespace
}  // namespace odin
#endif  // ODIN_HAVE_OPENCL
