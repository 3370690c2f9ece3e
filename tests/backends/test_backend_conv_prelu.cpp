// A PRELU fused into CONV_2D and DEPTHWISE_CONV_2D (passes: fuse_prelu) on
// every backend, fp32 and fp16 storage: the fused node runs there (no
// fallback) and matches the unfused graph on the reference kernels. Cases
// cover the GEMM's direct 1x1 paths (image- and weight-major), its in-place
// and im2col windows, a fused residual addend before the PRELU, the
// depthwise kernel's blocked, unrolled and generic paths, a depth
// multiplier, channel counts that fill no vector, and slopes per channel
// ([1, 1, C], MediaPipe's shape) or one for all.
#include <gtest/gtest.h>

#include "fused_run.h"
#include "graph_builder.h"
#include "runtime/backend.h"
#include "runtime/session.h"
#include "test_util.h"

namespace odin {
namespace {

struct PreluCase {
  const char* name;
  bool depthwise;
  Shape in;
  int64_t out_c;  // depthwise: input channels times the multiplier
  int64_t k;
  int32_t stride;
  bool addend;     // a residual ADD before the PRELU (CONV_2D only)
  bool one_slope;  // slopes [1] instead of [1, 1, C]
};

const PreluCase kCases[] = {
    {"conv1x1", false, {1, 6, 7, 16}, 24, 1, 1, false, false},
    // 20 = 16 + 4 columns: the CPU GEMM's partial half-vector tail.
    {"conv3x3_half_tail_addend", false, {1, 9, 8, 6}, 20, 3, 1, true, false},
    {"conv1x1_weight_major_addend", false, {1, 2, 2, 64}, 40, 1, 1, true, false},
    {"conv3x3_odd_addend", false, {1, 9, 11, 5}, 13, 3, 1, true, false},
    {"conv3x3_stride2_one_slope", false, {2, 9, 10, 5}, 7, 3, 2, false, true},
    {"conv5x5_addend_one_slope", false, {1, 12, 20, 3}, 34, 5, 1, true, true},
    {"dw3x3_many_channels", true, {1, 12, 12, 40}, 40, 3, 1, false, false},
    {"dw5x5_blocked", true, {1, 12, 12, 40}, 40, 5, 1, false, false},
    {"dw3x3_stride2_odd", true, {1, 17, 15, 13}, 13, 3, 2, false, false},
    {"dw5x5_rows_one_slope", true, {1, 40, 40, 8}, 8, 5, 1, false, true},
    {"dw5x5_stride2_small", true, {2, 11, 11, 48}, 48, 5, 2, false, false},
    {"dw4x4_generic", true, {1, 9, 9, 6}, 6, 4, 1, false, false},
    {"dw3x3_multiplier2", true, {1, 7, 7, 3}, 6, 3, 1, false, true},
};

// x -> CONV_2D or DEPTHWISE_CONV_2D (SAME) [-> ADD r] -> PRELU.
Graph prelu_graph(const PreluCase& c) {
  test::GraphMaker m;
  const ValueId x = m.input("x", c.in);
  const int64_t out_h = (c.in[1] + c.stride - 1) / c.stride;
  const int64_t out_w = (c.in[2] + c.stride - 1) / c.stride;
  const Shape wshape =
      c.depthwise ? Shape{1, c.k, c.k, c.out_c} : Shape{c.out_c, c.k, c.k, c.in[3]};
  const ValueId w = m.constant_f32(
      "w", wshape,
      test::splitmix_values(static_cast<size_t>(wshape.num_elements()), 11, -0.5f, 0.5f));
  const ValueId b = m.constant_f32(
      "b", Shape{c.out_c}, test::splitmix_values(static_cast<size_t>(c.out_c), 12, -0.5f, 0.5f));
  const ValueId alpha =
      c.one_slope
          ? m.constant_f32("alpha", Shape{1}, {0.3f})
          : m.constant_f32("alpha", Shape{1, 1, c.out_c},
                           test::splitmix_values(static_cast<size_t>(c.out_c), 13, -1.0f, 1.0f));
  ValueId y;
  if (c.depthwise) {
    DepthwiseConv2DAttrs a;
    a.padding = Padding::kSame;
    a.stride_h = a.stride_w = c.stride;
    a.depth_multiplier = static_cast<int32_t>(c.out_c / c.in[3]);
    y = m.node(OpType::kDepthwiseConv2D, {x, w, b}, a);
  } else {
    Conv2DAttrs a;
    a.padding = Padding::kSame;
    a.stride_h = a.stride_w = c.stride;
    y = m.node(OpType::kConv2D, {x, w, b}, a);
  }
  if (c.addend) {
    const ValueId r = m.input("r", Shape{c.in[0], out_h, out_w, c.out_c});
    y = m.node(OpType::kAdd, {y, r}, BinaryAttrs{});
  }
  return m.finish({m.node(OpType::kPrelu, {y, alpha})});
}

class BackendConvPrelu : public testing::TestWithParam<std::tuple<std::string, PreluCase, bool>> {};

TEST_P(BackendConvPrelu, FusedMatchesUnfusedReference) {
  const auto& [backend, c, fp16] = GetParam();
  Backend* b = find_backend(backend);
  ASSERT_NE(b, nullptr);
  if (!b->available()) GTEST_SKIP() << "skipped: no " << backend << " device";
  const Graph g = prelu_graph(c);
  const test::FusedRun want = test::run_fused(g, {"cpu"}, /*optimize=*/false, /*fp16=*/false);
  const test::FusedRun got = test::run_fused(g, {backend, "cpu"}, /*optimize=*/true, fp16);
  EXPECT_EQ(got.nodes, 1u) << "the PRELU (or ADD) was not fused";
  EXPECT_EQ(got.backend, backend) << got.fallback;
  ASSERT_EQ(got.out.size(), want.out.size());
  EXPECT_LE(test::rel_range(want.out.data(), got.out.data(), want.out.size()), fp16 ? 1e-2 : 1e-5);
}

INSTANTIATE_TEST_SUITE_P(
    AllBackends, BackendConvPrelu,
    testing::Combine(testing::ValuesIn(built_backends()), testing::ValuesIn(kCases),
                     testing::Bool()),
    [](const testing::TestParamInfo<std::tuple<std::string, PreluCase, bool>>& i) {
      return std::get<0>(i.param) + "_" + std::get<1>(i.param).name +
             (std::get<2>(i.param) ? "_fp16" : "_fp32");
    });

}  // namespace
}  // namespace odin
