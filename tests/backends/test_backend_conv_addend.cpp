// A residual ADD fused into CONV_2D (passes: fuse_add) on every backend:
// the fused node runs there (no fallback) and matches the unfused graph on
// the reference kernels, for the GEMM's direct 1x1 path, its in-place and
// im2col windows, strides, tails of fewer than 4 channels, and either
// operand order.
#include <gtest/gtest.h>

#include "fused_run.h"
#include "graph_builder.h"
#include "runtime/backend.h"
#include "runtime/session.h"
#include "test_util.h"

namespace odin {
namespace {

struct ConvCase {
  const char* name;
  Shape in;
  int64_t out_c, k;
  int32_t stride;
  Activation add_act;
  bool conv_first;
};

const ConvCase kCases[] = {
    {"pointwise_relu", {1, 6, 7, 16}, 24, 1, 1, Activation::kRelu, true},
    {"k3_same_relu6", {1, 9, 11, 8}, 13, 3, 1, Activation::kRelu6, false},
    {"k3_stride2", {2, 9, 10, 5}, 7, 3, 2, Activation::kNone, true},
    {"k5_wide", {1, 12, 20, 3}, 34, 5, 1, Activation::kRelu, true},
};

// x -> CONV_2D (SAME) -> ADD(conv, r) with r a second graph input.
Graph residual_graph(const ConvCase& c) {
  test::GraphMaker m;
  const ValueId x = m.input("x", c.in);
  const int64_t out_h = (c.in[1] + c.stride - 1) / c.stride;
  const int64_t out_w = (c.in[2] + c.stride - 1) / c.stride;
  const ValueId r = m.input("r", Shape{c.in[0], out_h, out_w, c.out_c});
  const auto wn = static_cast<size_t>(c.out_c * c.k * c.k * c.in[3]);
  const ValueId w = m.constant_f32("w", Shape{c.out_c, c.k, c.k, c.in[3]},
                                   test::splitmix_values(wn, 11, -0.5f, 0.5f));
  const ValueId b = m.constant_f32(
      "b", Shape{c.out_c}, test::splitmix_values(static_cast<size_t>(c.out_c), 12, -0.5f, 0.5f));
  Conv2DAttrs ca;
  ca.padding = Padding::kSame;
  ca.stride_h = ca.stride_w = c.stride;
  const ValueId conv = m.node(OpType::kConv2D, {x, w, b}, ca);
  BinaryAttrs aa;
  aa.activation = c.add_act;
  return m.finish(
      {m.node(OpType::kAdd, c.conv_first ? std::vector{conv, r} : std::vector{r, conv}, aa)});
}

class BackendConvAddend : public testing::TestWithParam<std::tuple<std::string, ConvCase>> {};

TEST_P(BackendConvAddend, FusedMatchesUnfusedReference) {
  const auto& [backend, c] = GetParam();
  Backend* b = find_backend(backend);
  ASSERT_NE(b, nullptr);
  if (!b->available()) GTEST_SKIP() << "skipped: no " << backend << " device";
  const Graph g = residual_graph(c);
  const test::FusedRun want = test::run_fused(g, {"cpu"}, /*optimize=*/false);
  const test::FusedRun got = test::run_fused(g, {backend, "cpu"}, /*optimize=*/true);
  EXPECT_EQ(got.nodes, 1u) << "the ADD was not fused";
  EXPECT_EQ(got.backend, backend) << got.fallback;
  ASSERT_EQ(got.out.size(), want.out.size());
  EXPECT_LE(test::rel_range(want.out.data(), got.out.data(), want.out.size()), 1e-6);
}

INSTANTIATE_TEST_SUITE_P(AllBackends, BackendConvAddend,
                         testing::Combine(testing::ValuesIn(built_backends()),
                                          testing::ValuesIn(kCases)),
                         [](const testing::TestParamInfo<std::tuple<std::string, ConvCase>>& i) {
                           return std::get<0>(i.param) + "_" + std::get<1>(i.param).name;
                         });

}  // namespace
}  // namespace odin
