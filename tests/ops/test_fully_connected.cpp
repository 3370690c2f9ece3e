// FULLY_CONNECTED: shape inference and the reference kernel.
#include <gtest/gtest.h>

#include "infer_helpers.h"
#include "kernels/reference/reference.h"

namespace odin {
namespace {

using test::buf;
using test::OpGraph;
using test::out_buf;

using test::expect_values;

const auto kWeights = buf<float>({2, 3}, {1, 0, -1, 2, 2, 2});
const auto kBias = buf<float>({2}, {0.5f, -1});

TEST(FullyConnected, Rank2WithBias) {
  auto in = buf<float>({2, 3}, {1, 2, 3, 4, 5, 6});
  auto out = out_buf<float>({2, 2});
  ASSERT_TRUE(ref::fully_connected({}, in.view(), kWeights.view(), kBias.view(), out.mut()).ok());
  expect_values(out.data, {-1.5f, 11, -1.5f, 29});
}

TEST(FullyConnected, NoBiasAndRelu) {
  auto in = buf<float>({2, 3}, {1, 2, 3, 4, 5, 6});
  auto out = out_buf<float>({2, 2});
  ASSERT_TRUE(ref::fully_connected({.activation = Activation::kRelu}, in.view(), kWeights.view(),
                                   {}, out.mut())
                  .ok());
  expect_values(out.data, {0, 12, 0, 30});
}

TEST(FullyConnected, Rank4InputFlattensAndKeepNumDims) {
  auto in = buf<float>({1, 2, 1, 3}, {1, 2, 3, 4, 5, 6});
  for (bool keep : {false, true}) {
    OpGraph g;
    ASSERT_TRUE(g.infer(OpType::kFullyConnected, FullyConnectedAttrs{.keep_num_dims = keep},
                        {g.input(DType::kF32, in.shape), g.input(DType::kF32, {2, 3}),
                         g.input(DType::kF32, {2})})
                    .ok());
    const Shape want = keep ? Shape({1, 2, 1, 2}) : Shape({2, 2});
    EXPECT_EQ(g.out().shape, want);
    auto out = out_buf<float>(want);
    ASSERT_TRUE(ref::fully_connected({.keep_num_dims = keep}, in.view(), kWeights.view(),
                                     kBias.view(), out.mut())
                    .ok());
    expect_values(out.data, {-1.5f, 11, -1.5f, 29});
  }
}

TEST(FullyConnected, Rank4FlattensAcrossDims) {
  // [2,1,3,4] with K = 4 flattens to [6,4] (no keep_num_dims).
  OpGraph g;
  ASSERT_TRUE(g.infer(OpType::kFullyConnected, FullyConnectedAttrs{},
                      {g.input(DType::kF32, {2, 1, 3, 4}), g.input(DType::kF32, {5, 4})})
                  .ok());
  EXPECT_EQ(g.out().shape, Shape({6, 5}));
  // K = 6 spans two rows of the last dim: [2,1,3,4] has 24 = 4 * 6 elements.
  OpGraph h;
  ASSERT_TRUE(h.infer(OpType::kFullyConnected, FullyConnectedAttrs{},
                      {h.input(DType::kF32, {2, 1, 3, 4}), h.input(DType::kF32, {5, 6})})
                  .ok());
  EXPECT_EQ(h.out().shape, Shape({4, 5}));
}

TEST(FullyConnected, InferRejectsBadModels) {
  auto run = [](FullyConnectedAttrs a, Shape in, Shape w, Shape b = {}) {
    OpGraph g;
    std::vector<ValueId> ins = {g.input(DType::kF32, std::move(in)),
                                g.input(DType::kF32, std::move(w))};
    if (b.rank() > 0) ins.push_back(g.input(DType::kF32, std::move(b)));
    return g.infer(OpType::kFullyConnected, a, ins);
  };
  EXPECT_FALSE(run({}, {2, 5}, {3, 4}).ok());                             // 10 % 4 != 0
  EXPECT_FALSE(run({.keep_num_dims = true}, {2, 1, 3, 4}, {5, 6}).ok());  // last dim != K
  EXPECT_FALSE(run({}, {2, 4}, {3, 4}, {4}).ok());                        // bias size
  EXPECT_FALSE(run({}, {2, 4}, {3, 4, 1}).ok());                          // weights rank
  EXPECT_FALSE(run({}, {2, 4}, {0, 4}).ok());                             // empty weights
}

}  // namespace
}  // namespace odin
