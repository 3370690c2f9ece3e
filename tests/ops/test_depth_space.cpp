#include <gtest/gtest.h>

#include "infer_helpers.h"
#include "kernels/reference/reference.h"

namespace odin {
namespace {

using test::OpGraph;

TEST(DepthSpace, InferShapes) {
  OpGraph g;
  ASSERT_TRUE(
      g.infer(OpType::kDepthToSpace, BlockAttrs{2}, {g.input(DType::kF32, {1, 3, 4, 8})}).ok());
  EXPECT_EQ(g.out().shape, Shape({1, 6, 8, 2}));
  OpGraph g2;
  ASSERT_TRUE(
      g2.infer(OpType::kSpaceToDepth, BlockAttrs{3}, {g2.input(DType::kF32, {2, 6, 9, 2})}).ok());
  EXPECT_EQ(g2.out().shape, Shape({2, 2, 3, 18}));
  const auto bad = [](OpType op, int32_t bs, Shape s) {
    OpGraph g;
    return g.infer(op, BlockAttrs{bs}, {g.input(DType::kF32, std::move(s))});
  };
  EXPECT_FALSE(bad(OpType::kDepthToSpace, 2, {1, 2, 2, 6}).ok());  // 6 % 4
  EXPECT_FALSE(bad(OpType::kSpaceToDepth, 2, {1, 3, 2, 1}).ok());  // 3 % 2
  EXPECT_FALSE(bad(OpType::kSpaceToDepth, 0, {1, 2, 2, 1}).ok());
  EXPECT_FALSE(bad(OpType::kDepthToSpace, -2, {1, 2, 2, 4}).ok());
  EXPECT_FALSE(bad(OpType::kDepthToSpace, 2, {2, 2, 4}).ok());  // not 4-D
}

TEST(DepthSpace, DepthToSpaceBlock2) {
  // TFLite's depth_to_space_test: [1,1,1,4] -> [1,2,2,1] keeps order;
  // [1,1,2,8] shows how channels interleave: out[0,dy,w*2+dx,c] = in[0,0,w,(dy*2+dx)*2+c].
  auto in = test::iota_buf<float>({1, 1, 2, 8});
  auto out = test::out_buf<float>({1, 2, 4, 2});
  ASSERT_TRUE(ref::depth_to_space({2}, in.view(), out.mut()).ok());
  EXPECT_EQ(out.data, (std::vector<float>{0, 1, 2, 3, 8, 9, 10, 11, 4, 5, 6, 7, 12, 13, 14, 15}));
}

TEST(DepthSpace, SpaceToDepthBlock2) {
  // [1,2,2,1] -> [1,1,1,4] in raster order.
  auto in = test::iota_buf<float>({1, 2, 2, 1});
  auto out = test::out_buf<float>({1, 1, 1, 4});
  ASSERT_TRUE(ref::space_to_depth({2}, in.view(), out.mut()).ok());
  EXPECT_EQ(out.data, (std::vector<float>{0, 1, 2, 3}));
}

TEST(DepthSpace, RoundTripBlock2And3) {
  for (int32_t bs : {2, 3}) {
    const Shape wide({2, 2 * bs, 3 * bs, 2});
    const Shape deep({2, 2, 3, 2 * bs * bs});
    auto x = test::iota_buf<int32_t>(wide);
    auto d = test::out_buf<int32_t>(deep);
    ASSERT_TRUE(ref::space_to_depth({bs}, x.view(), d.mut()).ok());
    auto back = test::out_buf<int32_t>(wide);
    ASSERT_TRUE(ref::depth_to_space({bs}, d.view(), back.mut()).ok());
    EXPECT_EQ(back.data, x.data) << "block " << bs;
    // Spot check the defining formula on the deep tensor.
    const int64_t C = 2;
    const int64_t b = 1, h = 1, w = 2, dy = bs - 1, dx = 1, c = 1;
    const int64_t deep_index = ((b * 2 + h) * 3 + w) * deep[3] + (dy * bs + dx) * C + c;
    const int64_t wide_index = ((b * wide[1] + h * bs + dy) * wide[2] + w * bs + dx) * C + c;
    EXPECT_EQ(d.data[static_cast<size_t>(deep_index)], wide_index);
  }
  auto in = test::iota_buf<float>({1, 2, 2, 4});
  auto wrong = test::out_buf<float>({1, 4, 4, 2});
  EXPECT_FALSE(ref::depth_to_space({2}, in.view(), wrong.mut()).ok());
}

}  // namespace
}  // namespace odin
