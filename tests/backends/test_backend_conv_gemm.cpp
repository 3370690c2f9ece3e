// 1x1, stride 1 CONV_2D (a GEMM [pixels x IC] x [IC x OC]) on the GPU
// backends, fp32 and fp16 storage, through every tuning candidate: the
// shared-memory tiles (Vulkan conv2d_tiled.comp, OpenCL conv.cl's
// conv2d_tiled) and the direct kernels offered beside them. Shapes leave
// tails everywhere: pixels no multiple of any tile, input channels no
// multiple of the staged slice (and fewer than one), output channels no
// multiple of 4 or of a tile; a fused residual addend and PRELU, an
// activation, two images. FULLY_CONNECTED of 8 rows or more takes the same
// tiles (fewer rows: its own kernel only). Each against the reference
// kernels on the unfused graph.
#include <gtest/gtest.h>

#include "fused_run.h"
#include "graph_builder.h"
#include "runtime/backend.h"
#include "runtime/session.h"
#include "test_util.h"

namespace odin {
namespace {

struct GemmCase {
  const char* name;
  Shape in;  // FULLY_CONNECTED when rank 2: [rows, depth]
  int64_t out_c;
  Activation act;
  bool addend;  // a residual ADD after the conv (fused)
  bool prelu;   // a PRELU after it (fused)
};

const GemmCase kCases[] = {
    {"odd", {1, 7, 9, 13}, 19, Activation::kNone, false, false},
    {"deep_two_images_relu6", {2, 5, 11, 37}, 70, Activation::kRelu6, false, false},
    {"addend_prelu", {1, 13, 13, 40}, 33, Activation::kNone, true, true},
    {"one_output_channel_addend", {1, 4, 5, 3}, 1, Activation::kNone, true, false},
    {"wide_prelu", {1, 3, 50, 16}, 136, Activation::kNone, false, true},
    {"fc_rows11", {11, 37}, 70, Activation::kNone, false, false},
    {"fc_rows8_relu", {8, 13}, 5, Activation::kRelu, false, false},
    {"fc_rows100", {100, 64}, 129, Activation::kRelu6, false, false},
    {"fc_rows3", {3, 20}, 9, Activation::kNone, false, false},
};

// The most candidates a GEMM layer is offered (5 tiles, 3 direct), and one
// past them (clamped to the last).
constexpr int kCandidates = 9;

// x -> CONV_2D 1x1 [-> ADD r] [-> PRELU], or x -> FULLY_CONNECTED.
Graph gemm_graph(const GemmCase& c) {
  test::GraphMaker m;
  const ValueId x = m.input("x", c.in);
  const bool fc = c.in.rank() == 2;
  const Shape wshape = fc ? Shape{c.out_c, c.in[1]} : Shape{c.out_c, 1, 1, c.in[3]};
  const ValueId w = m.constant_f32(
      "w", wshape,
      test::splitmix_values(static_cast<size_t>(wshape.num_elements()), 21, -0.5f, 0.5f));
  const ValueId b = m.constant_f32(
      "b", Shape{c.out_c}, test::splitmix_values(static_cast<size_t>(c.out_c), 22, -0.5f, 0.5f));
  if (fc) {
    FullyConnectedAttrs a;
    a.activation = c.act;
    return m.finish({m.node(OpType::kFullyConnected, {x, w, b}, a)});
  }
  Conv2DAttrs a;
  a.padding = Padding::kSame;
  a.activation = c.act;
  ValueId y = m.node(OpType::kConv2D, {x, w, b}, a);
  if (c.addend) {
    const ValueId r = m.input("r", Shape{c.in[0], c.in[1], c.in[2], c.out_c});
    y = m.node(OpType::kAdd, {y, r}, BinaryAttrs{});
  }
  if (c.prelu) {
    const ValueId alpha =
        m.constant_f32("alpha", Shape{1, 1, c.out_c},
                       test::splitmix_values(static_cast<size_t>(c.out_c), 23, -1.0f, 1.0f));
    y = m.node(OpType::kPrelu, {y, alpha});
  }
  return m.finish({y});
}

class BackendConvGemm : public testing::TestWithParam<std::tuple<std::string, GemmCase, bool>> {};

TEST_P(BackendConvGemm, EveryCandidateMatchesTheReference) {
  const auto& [backend, c, fp16] = GetParam();
  Backend* b = find_backend(backend);
  ASSERT_NE(b, nullptr);
  if (!b->available()) GTEST_SKIP() << "skipped: no " << backend << " device";
  const Graph g = gemm_graph(c);
  const test::FusedRun want = test::run_fused(g, {"cpu"}, /*optimize=*/false, /*fp16=*/false);
  for (int candidate = 0; candidate < kCandidates; ++candidate) {
    const test::FusedRun got =
        test::run_fused(g, {backend, "cpu"}, /*optimize=*/true, fp16, candidate);
    EXPECT_EQ(got.nodes, 1u) << "the ADD or PRELU was not fused";
    EXPECT_EQ(got.backend, backend) << got.fallback;
    ASSERT_EQ(got.out.size(), want.out.size());
    EXPECT_LE(test::rel_range(want.out.data(), got.out.data(), want.out.size()), fp16 ? 1e-2 : 1e-5)
        << "candidate " << candidate;
  }
}

// A build without GPU backends has no cases.
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(BackendConvGemm);
INSTANTIATE_TEST_SUITE_P(
    GpuBackends, BackendConvGemm,
    testing::Combine(testing::ValuesIn(test::gpu_backends()), testing::ValuesIn(kCases),
                     testing::Bool()),
    [](const testing::TestParamInfo<std::tuple<std::string, GemmCase, bool>>& i) {
      return std::get<0>(i.param) + "_" + std::get<1>(i.param).name +
             (std::get<2>(i.param) ? "_fp16" : "_fp32");
    });

}  // namespace
}  // namespace odin
