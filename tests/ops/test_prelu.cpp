#include <gtest/gtest.h>

#include "infer_helpers.h"
#include "kernels/reference/reference.h"

namespace odin {
namespace {

using test::buf;
using test::OpGraph;
using test::out_buf;

TEST(Prelu, InferShapes) {
  OpGraph g;
  ASSERT_TRUE(g.infer(OpType::kPrelu, {},
                      {g.input(DType::kF32, {1, 4, 4, 3}), g.input(DType::kF32, {1, 1, 3})})
                  .ok());
  EXPECT_EQ(g.out().shape, Shape({1, 4, 4, 3}));
  OpGraph g2;
  EXPECT_FALSE(g2.infer(OpType::kPrelu, {},
                        {g2.input(DType::kF32, {1, 4, 4, 3}), g2.input(DType::kF32, {2})})
                   .ok());
  OpGraph g3;
  EXPECT_FALSE(g3.infer(OpType::kPrelu, {}, {g3.input(DType::kF32, {2})}).ok());
}

TEST(Prelu, PerChannelAlpha) {
  auto x = buf<float>({1, 2, 2, 2}, {-1, -2, 3, 4, -5, 6, 0, -8});
  for (const Shape& ashape : {Shape({1, 1, 2}), Shape({2})}) {
    auto alpha = buf<float>(ashape, {0.5f, 0.25f});
    auto out = out_buf<float>({1, 2, 2, 2});
    ASSERT_TRUE(ref::prelu(x.view(), alpha.view(), out.mut()).ok());
    EXPECT_EQ(out.data, (std::vector<float>{-0.5f, -0.5f, 3, 4, -2.5f, 6, 0, -2}));
  }
}

TEST(Prelu, FullShapeAlpha) {
  auto x = buf<float>({2, 2}, {-1, -1, -1, 1});
  auto alpha = buf<float>({2, 2}, {1, 2, 3, 4});
  auto out = out_buf<float>({2, 2});
  ASSERT_TRUE(ref::prelu(x.view(), alpha.view(), out.mut()).ok());
  EXPECT_EQ(out.data, (std::vector<float>{-1, -2, -3, 1}));
}

}  // namespace
}  // namespace odin
