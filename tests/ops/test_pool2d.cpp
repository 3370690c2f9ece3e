// AVERAGE_POOL_2D and MAX_POOL_2D: shape inference and reference kernels.
#include <gtest/gtest.h>

#include "infer_helpers.h"
#include "kernels/reference/reference.h"

namespace odin {
namespace {

using test::buf;
using test::OpGraph;
using test::out_buf;

using test::expect_values;

test::Buf<float> seq(Shape s, float start, float step) {
  auto b = test::iota_buf<float>(std::move(s));
  for (float& v : b.data) v = start + step * v;
  return b;
}

const Pool2DAttrs kSame3s2{
    .padding = Padding::kSame, .stride_h = 2, .stride_w = 2, .filter_h = 3, .filter_w = 3};

TEST(AveragePool2D, SameDividesByInBoundsCount) {
  // 3x3 input 1..9, 3x3 SAME stride 2: every window has 4 in-bounds pixels.
  auto in = seq({1, 3, 3, 1}, 1, 1);
  auto out = out_buf<float>({1, 2, 2, 1});
  ASSERT_TRUE(ref::average_pool2d(kSame3s2, in.view(), out.mut()).ok());
  expect_values(out.data, {12.0f / 4, 16.0f / 4, 24.0f / 4, 28.0f / 4});
}

TEST(AveragePool2D, SameOddInputPartialWindows) {
  // 5x5 input 0..24, 3x3 SAME stride 2 -> 3x3 with padding 1 on both sides.
  // Window (0,0) covers rows/cols 0..1 (4 pixels), (1,1) rows/cols 1..3 (9).
  auto in = seq({1, 5, 5, 1}, 0, 1);
  auto out = out_buf<float>({1, 3, 3, 1});
  ASSERT_TRUE(ref::average_pool2d(kSame3s2, in.view(), out.mut()).ok());
  EXPECT_FLOAT_EQ(out.data[0], (0 + 1 + 5 + 6) / 4.0f);
  EXPECT_FLOAT_EQ(out.data[1], (1 + 2 + 3 + 6 + 7 + 8) / 6.0f);
  EXPECT_FLOAT_EQ(out.data[4], 12.0f);  // centre window, mean of a linear ramp
  EXPECT_FLOAT_EQ(out.data[8], (18 + 19 + 23 + 24) / 4.0f);
}

TEST(AveragePool2D, ValidTwoChannelsAndActivation) {
  // 2x4 input, 2 channels (ch1 = -ch0), 2x2 VALID stride 2; RELU6 clamps.
  std::vector<float> x;
  for (int i = 0; i < 8; ++i) {
    x.push_back(static_cast<float>(i * 2));
    x.push_back(static_cast<float>(-i * 2));
  }
  auto in = buf<float>({1, 2, 4, 2}, x);
  auto out = out_buf<float>({1, 1, 2, 2});
  ASSERT_TRUE(ref::average_pool2d({.stride_h = 2,
                                   .stride_w = 2,
                                   .filter_h = 2,
                                   .filter_w = 2,
                                   .activation = Activation::kRelu6},
                                  in.view(), out.mut())
                  .ok());
  // Window 0: values 0, 2, 8, 10 -> 5; window 1: 4, 6, 12, 14 -> 9 -> 6.
  expect_values(out.data, {5, 0, 6, 0});
}

TEST(MaxPool2D, PaddingNeverWins) {
  // All-negative input: a padded zero would win if padding were counted.
  auto in = seq({1, 3, 3, 1}, -1, -1);
  auto out = out_buf<float>({1, 2, 2, 1});
  ASSERT_TRUE(ref::max_pool2d(kSame3s2, in.view(), out.mut()).ok());
  expect_values(out.data, {-1, -2, -4, -5});
}

TEST(MaxPool2D, ValidStride3) {
  // 5x5 input 0..24, 2x2 VALID stride 3: windows at 0 and 3.
  auto in = seq({1, 5, 5, 1}, 0, 1);
  auto out = out_buf<float>({1, 2, 2, 1});
  ASSERT_TRUE(ref::max_pool2d({.stride_h = 3, .stride_w = 3, .filter_h = 2, .filter_w = 2},
                              in.view(), out.mut())
                  .ok());
  expect_values(out.data, {6, 9, 21, 24});
}

Status infer_pool(OpType op, Pool2DAttrs a, Shape in, Shape* out = nullptr) {
  OpGraph g;
  Status s = g.infer(op, a, {g.input(DType::kF32, std::move(in))});
  if (s.ok() && out) *out = g.out().shape;
  return s;
}

TEST(Pool2D, InferShapesAndErrors) {
  Shape out;
  ASSERT_TRUE(infer_pool(OpType::kAveragePool2D, kSame3s2, {1, 7, 7, 3}, &out).ok());
  EXPECT_EQ(out, Shape({1, 4, 4, 3}));
  ASSERT_TRUE(infer_pool(OpType::kMaxPool2D,
                         {.stride_h = 2, .stride_w = 2, .filter_h = 2, .filter_w = 2}, {1, 5, 6, 2},
                         &out)
                  .ok());
  EXPECT_EQ(out, Shape({1, 2, 3, 2}));
  EXPECT_FALSE(infer_pool(OpType::kMaxPool2D, {.filter_h = 4, .filter_w = 4}, {1, 3, 3, 1}).ok());
  EXPECT_FALSE(infer_pool(OpType::kMaxPool2D, {.filter_h = 0}, {1, 3, 3, 1}).ok());
  EXPECT_FALSE(infer_pool(OpType::kMaxPool2D, {.stride_h = 0}, {1, 3, 3, 1}).ok());
  EXPECT_FALSE(infer_pool(OpType::kAveragePool2D, {}, {1, 3, 3}).ok());
}

}  // namespace
}  // namespace odin
