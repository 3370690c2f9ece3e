// DEPTHWISE_CONV_2D: shape inference and the reference kernel.
#include <gtest/gtest.h>

#include "infer_helpers.h"
#include "kernels/reference/reference.h"

namespace odin {
namespace {

using test::buf;
using test::OpGraph;
using test::out_buf;

using test::expect_values;

TEST(DepthwiseConv2D, MultiplierOrdersChannelsAsInputTimesMPlusM) {
  auto in = buf<float>({1, 1, 1, 2}, {1, 2});
  auto f = buf<float>({1, 1, 1, 4}, {10, 20, 30, 40});
  auto bias = buf<float>({4}, {1, 2, 3, 4});
  auto out = out_buf<float>({1, 1, 1, 4});
  ASSERT_TRUE(
      ref::depthwise_conv2d({.depth_multiplier = 2}, in.view(), f.view(), bias.view(), out.mut())
          .ok());
  // oc = ic * 2 + m: oc0, oc1 read input channel 0; oc2, oc3 channel 1.
  expect_values(out.data, {11, 22, 63, 84});
}

TEST(DepthwiseConv2D, SameStride2KeepsChannelsApart) {
  // Channel 0 holds 1..9, channel 1 ten times that; 3x3 ones filter.
  std::vector<float> x;
  for (int i = 1; i <= 9; ++i) {
    x.push_back(static_cast<float>(i));
    x.push_back(10.0f * static_cast<float>(i));
  }
  auto in = buf<float>({1, 3, 3, 2}, x);
  auto f = buf<float>({1, 3, 3, 2}, std::vector<float>(18, 1.0f));
  auto out = out_buf<float>({1, 2, 2, 2});
  ASSERT_TRUE(ref::depthwise_conv2d({.padding = Padding::kSame, .stride_h = 2, .stride_w = 2},
                                    in.view(), f.view(), {}, out.mut())
                  .ok());
  expect_values(out.data, {12, 120, 16, 160, 24, 240, 28, 280});
}

TEST(DepthwiseConv2D, Stride3DilationAndActivation) {
  // 7x7 input 0..48, one channel; 2x2 filter [1, -1; 0, 2] with dilation 2,
  // stride 3, VALID: out (7 - 3) / 3 + 1 = 2. Value at window origin (r, c):
  // x[r][c] - x[r][c+2] + 2 x[r+2][c+2] = -2 + 2 (7r + c + 16) = 14r + 2c + 30.
  auto in = test::iota_buf<float>({1, 7, 7, 1});
  auto f = buf<float>({1, 2, 2, 1}, {1, -1, 0, 2});
  auto bias = buf<float>({1}, {-50});
  auto out = out_buf<float>({1, 2, 2, 1});
  ASSERT_TRUE(ref::depthwise_conv2d({.stride_h = 3,
                                     .stride_w = 3,
                                     .dilation_h = 2,
                                     .dilation_w = 2,
                                     .activation = Activation::kRelu},
                                    in.view(), f.view(), bias.view(), out.mut())
                  .ok());
  // Before RELU: 30-50, 36-50, 72-50, 78-50.
  expect_values(out.data, {0, 0, 22, 28});
}

Status infer_dw(DepthwiseConv2DAttrs a, Shape in, Shape f, Shape* out = nullptr) {
  OpGraph g;
  Status s = g.infer(OpType::kDepthwiseConv2D, a,
                     {g.input(DType::kF32, std::move(in)), g.input(DType::kF32, std::move(f))});
  if (s.ok() && out) *out = g.out().shape;
  return s;
}

TEST(DepthwiseConv2D, InferShapes) {
  Shape out;
  ASSERT_TRUE(infer_dw({.padding = Padding::kSame, .stride_h = 2, .stride_w = 2}, {1, 9, 9, 8},
                       {1, 3, 3, 8}, &out)
                  .ok());
  EXPECT_EQ(out, Shape({1, 5, 5, 8}));
  ASSERT_TRUE(infer_dw({.depth_multiplier = 2}, {1, 5, 6, 3}, {1, 3, 3, 6}, &out).ok());
  EXPECT_EQ(out, Shape({1, 3, 4, 6}));
  // A zero depth_multiplier attribute is taken from the shapes.
  ASSERT_TRUE(infer_dw({.depth_multiplier = 0}, {1, 5, 6, 3}, {1, 3, 3, 6}, &out).ok());
}

TEST(DepthwiseConv2D, InferRejectsBadModels) {
  EXPECT_FALSE(infer_dw({.depth_multiplier = 3}, {1, 5, 5, 3}, {1, 3, 3, 6}).ok());
  EXPECT_FALSE(infer_dw({}, {1, 5, 5, 4}, {1, 3, 3, 6}).ok());  // 6 not a multiple of 4
  EXPECT_FALSE(infer_dw({}, {1, 5, 5, 3}, {2, 3, 3, 3}).ok());  // leading dim must be 1
  EXPECT_FALSE(infer_dw({}, {1, 2, 2, 3}, {1, 3, 3, 3}).ok());  // filter > input, VALID
  EXPECT_FALSE(infer_dw({.stride_h = 0}, {1, 5, 5, 3}, {1, 3, 3, 3}).ok());
  OpGraph g;
  EXPECT_FALSE(g.infer(OpType::kDepthwiseConv2D, DepthwiseConv2DAttrs{},
                       {g.input(DType::kF32, {1, 5, 5, 3}), g.input(DType::kF32, {1, 3, 3, 3}),
                        g.input(DType::kF32, {4})})
                   .ok());  // bias size
}

}  // namespace
}  // namespace odin
