// CONV_2D: shape inference and the reference kernel on hand-computed cases.
#include <gtest/gtest.h>

#include <cmath>

#include "infer_helpers.h"
#include "kernels/reference/reference.h"

namespace odin {
namespace {

using test::buf;
using test::OpGraph;
using test::out_buf;

void expect_values(const std::vector<float>& got, const std::vector<float>& want,
                   float tol = 1e-5f) {
  test::expect_values(got, want, tol);
}

// Values 1..n (or 0..n-1 with start 0) as an NHWC tensor.
test::Buf<float> iota(Shape s, float start = 1.0f) {
  auto b = test::iota_buf<float>(std::move(s));
  for (float& v : b.data) v += start;
  return b;
}

test::Buf<float> ones(Shape s) {
  const int64_t n = s.num_elements();
  return buf<float>(std::move(s), std::vector<float>(static_cast<size_t>(n), 1.0f));
}

Status run_conv(const Conv2DAttrs& a, const test::Buf<float>& in, const test::Buf<float>& f,
                const test::Buf<float>* bias, test::Buf<float>& out) {
  return ref::conv2d(a, in.view(), f.view(), bias ? bias->view() : ConstTensorView{}, out.mut());
}

TEST(Conv2D, SameStride2OddInputPadsBothSides) {
  // 3x3 input 1..9, 3x3 ones filter, stride 2 SAME: pad 1 before and after.
  const Conv2DAttrs a{.padding = Padding::kSame, .stride_h = 2, .stride_w = 2};
  auto in = iota({1, 3, 3, 1});
  auto f = ones({1, 3, 3, 1});
  auto out = out_buf<float>({1, 2, 2, 1});
  ASSERT_TRUE(run_conv(a, in, f, nullptr, out).ok());
  expect_values(out.data, {1 + 2 + 4 + 5, 2 + 3 + 5 + 6, 4 + 5 + 7 + 8, 5 + 6 + 8 + 9});
}

TEST(Conv2D, SameStride2EvenInputPadsAtTheEnd) {
  // 4x4 input 1..16: total padding 1, all of it after (TFLite's rule).
  const Conv2DAttrs a{.padding = Padding::kSame, .stride_h = 2, .stride_w = 2};
  auto in = iota({1, 4, 4, 1});
  auto f = ones({1, 3, 3, 1});
  auto out = out_buf<float>({1, 2, 2, 1});
  ASSERT_TRUE(run_conv(a, in, f, nullptr, out).ok());
  expect_values(out.data, {1 + 2 + 3 + 5 + 6 + 7 + 9 + 10 + 11, 3 + 4 + 7 + 8 + 11 + 12,
                           9 + 10 + 11 + 13 + 14 + 15, 11 + 12 + 15 + 16});
}

TEST(Conv2D, ValidStride3) {
  // 7x7 input 0..48, 3x3 ones, stride 3: windows at 0 and 3; the window sum at
  // (r, c) is 9 * (7r + c) + 72.
  const Conv2DAttrs a{.padding = Padding::kValid, .stride_h = 3, .stride_w = 3};
  auto in = iota({1, 7, 7, 1}, 0.0f);
  auto f = ones({1, 3, 3, 1});
  auto out = out_buf<float>({1, 2, 2, 1});
  ASSERT_TRUE(run_conv(a, in, f, nullptr, out).ok());
  expect_values(out.data, {72, 9 * 3 + 72, 9 * 21 + 72, 9 * 24 + 72});
}

TEST(Conv2D, Dilation) {
  // 5x5 input 0..24, 3x3 ones with dilation 2 taps rows/cols {0, 2, 4}.
  auto in = iota({1, 5, 5, 1}, 0.0f);
  auto f = ones({1, 3, 3, 1});
  Conv2DAttrs a{.padding = Padding::kValid, .dilation_h = 2, .dilation_w = 2};
  auto out = out_buf<float>({1, 1, 1, 1});
  ASSERT_TRUE(run_conv(a, in, f, nullptr, out).ok());
  expect_values(out.data, {108});  // sum of 5r + c over r, c in {0, 2, 4}
  // SAME keeps 5x5 with 2 pixels of padding: the centre sees the same taps, the
  // corner only (0,0), (0,2), (2,0), (2,2).
  a.padding = Padding::kSame;
  auto same = out_buf<float>({1, 5, 5, 1});
  ASSERT_TRUE(run_conv(a, in, f, nullptr, same).ok());
  EXPECT_FLOAT_EQ(same.data[12], 108);
  EXPECT_FLOAT_EQ(same.data[0], 0 + 2 + 10 + 12);
}

TEST(Conv2D, ChannelsBiasAndBatch) {
  // 2x2x2 input, VALID 2x2 filter: oc0 sums everything, oc1 takes ch0 - ch1.
  auto in = buf<float>({2, 2, 2, 2}, {1, 2, 3, 4, 5, 6, 7, 8,  //
                                      -1, -2, -3, -4, -5, -6, -7, -8});
  auto f = buf<float>({2, 2, 2, 2}, {1, 1, 1, 1, 1, 1, 1, 1,  //
                                     1, -1, 1, -1, 1, -1, 1, -1});
  auto bias = buf<float>({2}, {1, 2});
  auto out = out_buf<float>({2, 1, 1, 2});
  ASSERT_TRUE(run_conv(Conv2DAttrs{}, in, f, &bias, out).ok());
  expect_values(out.data, {37, -2, -35, 6});
}

TEST(Conv2D, GroupedConvolution) {
  // 4 input channels, filter with 2 input channels: 2 groups.
  auto in = buf<float>({1, 1, 1, 4}, {1, 2, 3, 4});
  auto f = buf<float>({2, 1, 1, 2}, {1, 10, 100, 1000});
  auto out = out_buf<float>({1, 1, 1, 2});
  ASSERT_TRUE(run_conv(Conv2DAttrs{}, in, f, nullptr, out).ok());
  expect_values(out.data, {21, 4300});
}

TEST(Conv2D, EveryFusedActivation) {
  auto in = buf<float>({1, 1, 5, 1}, {-3.25f, -1.0f, 0.0f, 0.5f, 6.75f});
  auto f = buf<float>({1, 1, 1, 1}, {1});
  auto bias = buf<float>({1}, {0.25f});
  const std::vector<float> v = {-3.0f, -0.75f, 0.25f, 0.75f, 7.0f};  // input + bias
  const std::vector<std::pair<Activation, std::vector<float>>> cases = {
      {Activation::kNone, v},
      {Activation::kRelu, {0, 0, 0.25f, 0.75f, 7}},
      {Activation::kReluN1To1, {-1, -0.75f, 0.25f, 0.75f, 1}},
      {Activation::kRelu6, {0, 0, 0.25f, 0.75f, 6}},
      {Activation::kTanh,
       {std::tanh(-3.0f), std::tanh(-0.75f), std::tanh(0.25f), std::tanh(0.75f), std::tanh(7.0f)}},
      {Activation::kSignBit, {1, 1, 0, 0, 0}},
  };
  for (const auto& [act, want] : cases) {
    auto out = out_buf<float>({1, 1, 5, 1});
    ASSERT_TRUE(run_conv(Conv2DAttrs{.activation = act}, in, f, &bias, out).ok());
    SCOPED_TRACE(activation_name(act));
    expect_values(out.data, want);
  }
}

TEST(Conv2D, KernelRejectsUnsupportedDtypeAndBadShapes) {
  auto in = iota({1, 3, 3, 1});
  auto f = ones({1, 3, 3, 1});
  auto out = out_buf<float>({1, 1, 1, 1});
  ConstTensorView half = in.view();
  half.dtype = DType::kF16;
  EXPECT_EQ(ref::conv2d({}, half, f.view(), {}, out.mut()).code(), StatusCode::kUnsupported);
  auto wrong = out_buf<float>({1, 2, 2, 1});
  EXPECT_FALSE(ref::conv2d({}, in.view(), f.view(), {}, wrong.mut()).ok());
}

Status infer_conv(Conv2DAttrs a, Shape in, Shape f, Shape bias = {}, DType dt = DType::kF32,
                  Shape* out = nullptr) {
  OpGraph g;
  std::vector<ValueId> ins = {g.input(dt, std::move(in)), g.input(DType::kF32, std::move(f))};
  if (bias.rank() > 0) ins.push_back(g.input(DType::kF32, std::move(bias)));
  Status s = g.infer(OpType::kConv2D, a, ins);
  if (s.ok() && out) *out = g.out().shape;
  return s;
}

TEST(Conv2D, InferShapes) {
  Shape out;
  ASSERT_TRUE(infer_conv({.padding = Padding::kSame, .stride_h = 2, .stride_w = 2}, {1, 7, 7, 3},
                         {4, 3, 3, 3}, {4}, DType::kF32, &out)
                  .ok());
  EXPECT_EQ(out, Shape({1, 4, 4, 4}));
  ASSERT_TRUE(infer_conv({.stride_h = 3, .stride_w = 3}, {2, 12, 13, 3}, {8, 5, 5, 3}, {},
                         DType::kF32, &out)
                  .ok());
  EXPECT_EQ(out, Shape({2, 3, 3, 8}));
  ASSERT_TRUE(infer_conv({.padding = Padding::kValid, .dilation_h = 2, .dilation_w = 3},
                         {1, 9, 9, 1}, {1, 3, 3, 1}, {}, DType::kF32, &out)
                  .ok());
  EXPECT_EQ(out, Shape({1, 5, 3, 1}));
  ASSERT_TRUE(infer_conv({}, {kDynamicDim, 4, 4, 2}, {3, 1, 1, 2}, {}, DType::kF32, &out).ok());
  EXPECT_EQ(out, Shape({kDynamicDim, 4, 4, 3}));
}

TEST(Conv2D, InferRejectsBadModels) {
  EXPECT_EQ(infer_conv({}, {1, 4, 4, 3}, {2, 1, 1, 2}).code(), StatusCode::kInvalidModel);
  EXPECT_FALSE(infer_conv({}, {1, 4, 4, 3}, {2, 1, 1, 3}, {3}).ok());  // bias size
  EXPECT_FALSE(infer_conv({}, {1, 2, 2, 1}, {1, 3, 3, 1}).ok());       // filter > input
  EXPECT_FALSE(infer_conv({.stride_h = 0}, {1, 4, 4, 1}, {1, 1, 1, 1}).ok());
  EXPECT_FALSE(infer_conv({.stride_w = -2}, {1, 4, 4, 1}, {1, 1, 1, 1}).ok());
  EXPECT_FALSE(infer_conv({.dilation_h = 0}, {1, 4, 4, 1}, {1, 1, 1, 1}).ok());
  EXPECT_FALSE(infer_conv({.dilation_h = 1 << 30}, {1, 4, 4, 1}, {1, 1 << 20, 1, 1}).ok());
  EXPECT_FALSE(infer_conv({}, {1, 4, 4}, {1, 1, 1, 4}).ok());  // rank
  EXPECT_EQ(infer_conv({}, {1, 4, 4, 1}, {1, 1, 1, 1}, {}, DType::kF16).code(),
            StatusCode::kUnsupported);
  OpGraph g;  // a node carrying no Conv2DAttrs
  EXPECT_FALSE(g.infer(OpType::kConv2D, {},
                       {g.input(DType::kF32, {1, 2, 2, 1}), g.input(DType::kF32, {1, 1, 1, 1})})
                   .ok());
  OpGraph one;
  EXPECT_FALSE(
      one.infer(OpType::kConv2D, Conv2DAttrs{}, {one.input(DType::kF32, {1, 2, 2, 1})}).ok());
}

}  // namespace
}  // namespace odin
