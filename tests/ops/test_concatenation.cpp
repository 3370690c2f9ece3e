#include <gtest/gtest.h>

#include <limits>

#include "infer_helpers.h"
#include "kernels/reference/reference.h"

namespace odin {
namespace {

using test::buf;
using test::OpGraph;
using test::out_buf;

TEST(Concatenation, InferAxisAndNegativeAxis) {
  for (int32_t axis : {1, -2}) {
    OpGraph g;
    ASSERT_TRUE(g.infer(OpType::kConcatenation, ConcatenationAttrs{axis, Activation::kNone},
                        {g.input(DType::kF32, {2, 3, 4}), g.input(DType::kF32, {2, 5, 4})})
                    .ok());
    EXPECT_EQ(g.out().shape, Shape({2, 8, 4}));
  }
  OpGraph g;
  ASSERT_TRUE(g.infer(OpType::kConcatenation, ConcatenationAttrs{0, Activation::kNone},
                      {g.input(DType::kI32, {kDynamicDim, 2}), g.input(DType::kI32, {3, 2})})
                  .ok());
  EXPECT_EQ(g.out().shape.str(), "[?,2]");
  EXPECT_EQ(g.out().dtype, DType::kI32);
}

TEST(Concatenation, InferRejectsMismatches) {
  const auto bad = [](Shape a, Shape b, int32_t axis, DType db = DType::kF32) {
    OpGraph g;
    return g.infer(OpType::kConcatenation, ConcatenationAttrs{axis, Activation::kNone},
                   {g.input(DType::kF32, a), g.input(db, b)});
  };
  EXPECT_FALSE(bad({2, 3}, {3, 3}, 1).ok());     // non-axis dim differs
  EXPECT_FALSE(bad({2, 3}, {2, 3, 1}, 1).ok());  // rank differs
  EXPECT_FALSE(bad({2, 3}, {2, 3}, 2).ok());     // axis out of range
  EXPECT_FALSE(bad({2, 3}, {2, 3}, -3).ok());
  EXPECT_FALSE(bad({2, 3}, {2, 3}, 0, DType::kI32).ok());
  constexpr int64_t kHuge = std::numeric_limits<int64_t>::max();
  EXPECT_FALSE(bad({kHuge, 3}, {kHuge, 3}, 0).ok());  // the axis sum would overflow
  EXPECT_FALSE(bad({int64_t{1} << 30, 1 << 20}, {int64_t{1} << 30, 1 << 20}, 0).ok());
  const Status s = bad({2, 3}, {4, 4}, 0);
  EXPECT_NE(s.message().find("dim 1"), std::string::npos) << s.message();
}

TEST(Concatenation, MiddleAxisWithRelu) {
  auto a = buf<float>({2, 1, 2}, {-1, 2, 3, -4});
  auto b = buf<float>({2, 2, 2}, {5, 6, 7, 8, -9, 10, 11, 12});
  auto out = out_buf<float>({2, 3, 2});
  const ConstTensorView ins[] = {a.view(), b.view()};
  ASSERT_TRUE(ref::concatenation({-2, Activation::kRelu}, ins, out.mut()).ok());
  EXPECT_EQ(out.data, (std::vector<float>{0, 2, 5, 6, 7, 8, 3, 0, 0, 10, 11, 12}));
}

TEST(Concatenation, Int32LastAxisAndBadOutput) {
  auto a = buf<int32_t>({2, 1}, {1, 2});
  auto b = buf<int32_t>({2, 2}, {3, 4, 5, 6});
  auto c = buf<int32_t>({2, 0}, {});
  auto out = out_buf<int32_t>({2, 3});
  const ConstTensorView ins[] = {a.view(), c.view(), b.view()};
  ASSERT_TRUE(ref::concatenation({-1, Activation::kNone}, ins, out.mut()).ok());
  EXPECT_EQ(out.data, (std::vector<int32_t>{1, 3, 4, 2, 5, 6}));
  auto wrong = out_buf<int32_t>({2, 4});
  EXPECT_FALSE(ref::concatenation({1, Activation::kNone}, ins, wrong.mut()).ok());
}

}  // namespace
}  // namespace odin
