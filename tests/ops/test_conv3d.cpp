// CONV_3D: shape inference and the reference kernel on hand-computed cases,
// and the bad inputs shape inference and the kernel refuse.
#include <gtest/gtest.h>

#include "infer_helpers.h"
#include "kernels/reference/reference.h"

namespace odin {
namespace {

using test::buf;
using test::OpGraph;
using test::out_buf;

test::Buf<float> iota(Shape s) {
  auto b = test::iota_buf<float>(std::move(s));
  for (float& v : b.data) v += 1.0f;
  return b;
}

test::Buf<float> ones(Shape s) {
  const int64_t n = s.num_elements();
  return buf<float>(std::move(s), std::vector<float>(static_cast<size_t>(n), 1.0f));
}

Status run(const Conv3DAttrs& a, const test::Buf<float>& in, const test::Buf<float>& f,
           const test::Buf<float>* bias, test::Buf<float>& out) {
  return ref::conv3d(a, in.view(), f.view(), bias ? bias->view() : ConstTensorView{}, out.mut());
}

TEST(Conv3D, SameTemporalWindowSumsNeighbouringFrames) {
  // Three 2x2 frames 1..4, 5..8, 9..12; a 3x1x1 ones filter, SAME: each
  // output frame is the sum of its frame and its neighbours (zeros past the ends).
  auto in = iota({1, 3, 2, 2, 1});
  auto f = ones({3, 1, 1, 1, 1});
  auto out = out_buf<float>({1, 3, 2, 2, 1});
  ASSERT_TRUE(run({.padding = Padding::kSame}, in, f, nullptr, out).ok());
  test::expect_values(out.data, {6, 8, 10, 12, 15, 18, 21, 24, 14, 16, 18, 20});
}

TEST(Conv3D, ChannelsAndBiasInDhwioOrder) {
  // 2x2x2 input with 2 channels (1..16: channel 0 odd, channel 1 even),
  // VALID 2x2x2 filter: oc0 sums everything, oc1 takes ch0 - ch1.
  auto in = iota({1, 2, 2, 2, 2});
  std::vector<float> w;
  for (int tap = 0; tap < 8; ++tap) w.insert(w.end(), {1, 1, 1, -1});  // [ic][oc] per tap
  auto f = buf<float>({2, 2, 2, 2, 2}, w);
  auto bias = buf<float>({2}, {1, 2});
  auto out = out_buf<float>({1, 1, 1, 1, 2});
  ASSERT_TRUE(run({}, in, f, &bias, out).ok());
  test::expect_values(out.data, {64 + 72 + 1, 64 - 72 + 2});
}

TEST(Conv3D, DepthStrideAndDilation) {
  // Frames 1..5, a 2-tap ones filter with dilation 2 (taps 0 and 2), stride
  // 2, VALID: windows start at frames 0 and 2.
  auto in = iota({1, 5, 1, 1, 1});
  auto f = ones({2, 1, 1, 1, 1});
  auto out = out_buf<float>({1, 2, 1, 1, 1});
  ASSERT_TRUE(run({.stride_d = 2, .dilation_d = 2}, in, f, nullptr, out).ok());
  test::expect_values(out.data, {1 + 3, 3 + 5});
}

TEST(Conv3D, SpatialStrideAndFusedRelu) {
  // One frame 1..9 (3x3), a 1x1x1 filter of -1 with bias 5, stride 2 in h
  // and w: pixels (0,0), (0,2), (2,0), (2,2) -> 5 - x, then RELU.
  auto in = iota({1, 1, 3, 3, 1});
  auto f = buf<float>({1, 1, 1, 1, 1}, {-1});
  auto bias = buf<float>({1}, {5});
  auto out = out_buf<float>({1, 1, 2, 2, 1});
  const Conv3DAttrs a{.stride_h = 2, .stride_w = 2, .activation = Activation::kRelu};
  ASSERT_TRUE(run(a, in, f, &bias, out).ok());
  test::expect_values(out.data, {4, 2, 0, 0});
}

TEST(Conv3D, KernelRejectsUnsupportedDtypeAndBadShapes) {
  auto in = iota({1, 3, 3, 3, 1});
  auto f = ones({3, 3, 3, 1, 1});
  auto out = out_buf<float>({1, 1, 1, 1, 1});
  ConstTensorView half = in.view();
  half.dtype = DType::kF16;
  EXPECT_EQ(run({}, in, f, nullptr, out).code(), StatusCode::kOk);
  EXPECT_EQ(ref::conv3d({}, half, f.view(), {}, out.mut()).code(), StatusCode::kUnsupported);
  auto wrong = out_buf<float>({1, 1, 2, 1, 1});
  const Status s = run({}, in, f, nullptr, wrong);
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("output shape"), std::string::npos) << s.message();
  auto f4 = ones({3, 3, 3, 1});
  EXPECT_FALSE(ref::conv3d({}, in.view(), f4.view(), {}, out.mut()).ok());
  auto bias = buf<float>({2}, {0, 0});
  EXPECT_FALSE(run({}, in, f, &bias, out).ok());
}

Status infer(Conv3DAttrs a, Shape in, Shape f, Shape bias = {}, Shape* out = nullptr,
             DType filter_dtype = DType::kF32) {
  OpGraph g;
  std::vector<ValueId> ins = {g.input(DType::kF32, std::move(in)),
                              g.input(filter_dtype, std::move(f))};
  if (bias.rank() > 0) ins.push_back(g.input(DType::kF32, std::move(bias)));
  Status s = g.infer(OpType::kConv3D, a, ins);
  if (s.ok() && out) *out = g.out().shape;
  return s;
}

TEST(Conv3D, InfersSameAndValidShapes) {
  Shape out;
  ASSERT_TRUE(infer({.padding = Padding::kSame, .stride_d = 2, .stride_h = 2, .stride_w = 1},
                    {1, 5, 6, 7, 3}, {3, 3, 3, 3, 4}, {4}, &out)
                  .ok());
  EXPECT_EQ(out, Shape({1, 3, 3, 7, 4}));
  ASSERT_TRUE(infer({.stride_h = 2}, {2, 5, 7, 6, 2}, {2, 3, 2, 2, 4}, {}, &out).ok());
  EXPECT_EQ(out, Shape({2, 4, 3, 5, 4}));
}

TEST(Conv3D, InferRejectsBadInputsNamingThem) {
  const auto message = [](const Status& s) { return s.ok() ? std::string("ok") : s.message(); };
  // Input channels differ from the filter's.
  Status s = infer({}, {1, 4, 4, 4, 3}, {3, 3, 3, 2, 4});
  EXPECT_NE(message(s).find("input channels 3"), std::string::npos) << message(s);
  // Rank 4 input.
  EXPECT_FALSE(infer({}, {1, 4, 4, 3}, {3, 3, 3, 3, 4}).ok());
  // Bias of the wrong length.
  s = infer({}, {1, 4, 4, 4, 3}, {3, 3, 3, 3, 4}, {5});
  EXPECT_NE(message(s).find("bias shape"), std::string::npos) << message(s);
  // Zero stride, zero dilation.
  s = infer({.stride_d = 0}, {1, 4, 4, 4, 3}, {3, 3, 3, 3, 4});
  EXPECT_NE(message(s).find("strides"), std::string::npos) << message(s);
  s = infer({.dilation_w = 0}, {1, 4, 4, 4, 3}, {3, 3, 3, 3, 4});
  EXPECT_NE(message(s).find("dilations"), std::string::npos) << message(s);
  // A VALID window deeper than the input.
  s = infer({}, {1, 2, 4, 4, 3}, {3, 3, 3, 3, 4});
  EXPECT_NE(message(s).find("depth"), std::string::npos) << message(s);
  // An fp16 filter (weights reach CONV_3D through DEQUANTIZE).
  EXPECT_FALSE(infer({}, {1, 4, 4, 4, 3}, {3, 3, 3, 3, 4}, {}, nullptr, DType::kF16).ok());
  // No attributes.
  OpGraph g;
  EXPECT_FALSE(g.infer(OpType::kConv3D, {},
                       {g.input(DType::kF32, Shape({1, 4, 4, 4, 3})),
                        g.input(DType::kF32, Shape({3, 3, 3, 3, 4}))})
                   .ok());
}

}  // namespace
}  // namespace odin
