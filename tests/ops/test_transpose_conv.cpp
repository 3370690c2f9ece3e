// TRANSPOSE_CONV and MediaPipe's Convolution2DTransposeBias: shape inference
// and the shared reference kernel.
#include <gtest/gtest.h>

#include "infer_helpers.h"
#include "kernels/reference/reference.h"

namespace odin {
namespace {

using test::buf;
using test::OpGraph;
using test::out_buf;

using test::expect_values;

test::Buf<float> ones(Shape s) {
  const int64_t n = s.num_elements();
  return buf<float>(std::move(s), std::vector<float>(static_cast<size_t>(n), 1.0f));
}

const auto kIn2x2 = buf<float>({1, 2, 2, 1}, {1, 2, 3, 4});

TEST(TransposeConv, ValidStride2NonOverlapping) {
  // 2x2 kernel, stride 2: every input pixel becomes a 2x2 block.
  auto f = ones({1, 2, 2, 1});
  auto out = out_buf<float>({1, 4, 4, 1});
  ASSERT_TRUE(ref::transpose_conv({.padding = Padding::kValid, .stride_h = 2, .stride_w = 2},
                                  kIn2x2.view(), f.view(), {}, out.mut())
                  .ok());
  expect_values(out.data, {1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4});
}

TEST(TransposeConv, ValidStride2Overlapping) {
  // 3x3 ones, stride 2: output (2-1)*2+3 = 5; row/col 2 is covered by both inputs.
  auto f = ones({1, 3, 3, 1});
  auto out = out_buf<float>({1, 5, 5, 1});
  ASSERT_TRUE(ref::transpose_conv({.padding = Padding::kValid, .stride_h = 2, .stride_w = 2},
                                  kIn2x2.view(), f.view(), {}, out.mut())
                  .ok());
  expect_values(out.data, {1, 1, 3,  2, 2,  //
                           1, 1, 3,  2, 2,  //
                           4, 4, 10, 6, 6,  //
                           3, 3, 7,  4, 4,  //
                           3, 3, 7,  4, 4});
}

TEST(TransposeConv, SameStride2CropsLikeTflite) {
  // 3x3 kernel, 2x2 -> 4x4: forward padding of the 4x4 output is 0 before,
  // so SAME is the VALID result's top-left 4x4.
  auto f3 = ones({1, 3, 3, 1});
  auto out3 = out_buf<float>({1, 4, 4, 1});
  ASSERT_TRUE(ref::transpose_conv({.padding = Padding::kSame, .stride_h = 2, .stride_w = 2},
                                  kIn2x2.view(), f3.view(), {}, out3.mut())
                  .ok());
  expect_values(out3.data, {1, 1, 3, 2, 1, 1, 3, 2, 4, 4, 10, 6, 3, 3, 7, 4});
  // 4x4 kernel: padding 1 before, so the 6x6 full result is cropped from (1, 1).
  auto f4 = ones({1, 4, 4, 1});
  auto out4 = out_buf<float>({1, 4, 4, 1});
  ASSERT_TRUE(ref::transpose_conv({.padding = Padding::kSame, .stride_h = 2, .stride_w = 2},
                                  kIn2x2.view(), f4.view(), {}, out4.mut())
                  .ok());
  expect_values(out4.data, {1, 3, 3, 2, 4, 10, 10, 6, 4, 10, 10, 6, 3, 7, 7, 4});
}

TEST(TransposeConv, ChannelsBiasAndActivation) {
  // OHWI filter: out channel 0 = in0 + in1, out channel 1 = -in0 - 3 in1.
  auto in = buf<float>({1, 1, 1, 2}, {1, 2});
  auto f = buf<float>({2, 1, 1, 2}, {1, 1, -1, -3});
  auto bias = buf<float>({2}, {0.5f, 0.5f});
  auto out = out_buf<float>({1, 1, 1, 2});
  ASSERT_TRUE(ref::transpose_conv({.activation = Activation::kRelu}, in.view(), f.view(),
                                  bias.view(), out.mut())
                  .ok());
  expect_values(out.data, {3.5f, 0.0f});
}

TEST(TransposeConv, RunNodeTakesTfliteInputOrder) {
  // TRANSPOSE_CONV's inputs are (output_shape, filter, input, bias).
  OpGraph g;
  const ValueId os = g.constant<int32_t>({4}, {1, 4, 4, 1});
  const ValueId w = g.input(DType::kF32, {1, 2, 2, 1});
  const ValueId x = g.input(DType::kF32, {1, 2, 2, 1});
  const ValueId b = g.input(DType::kF32, {1});
  ASSERT_TRUE(g.infer(OpType::kTransposeConv,
                      TransposeConvAttrs{.padding = Padding::kValid, .stride_h = 2, .stride_w = 2},
                      {os, w, x, b})
                  .ok());
  EXPECT_EQ(g.out().shape, Shape({1, 4, 4, 1}));
  auto f = ones({1, 2, 2, 1});
  auto bias = buf<float>({1}, {10});
  auto shape_buf = buf<int32_t>({4}, {1, 4, 4, 1});
  auto out = out_buf<float>({1, 4, 4, 1});
  const ConstTensorView ins[] = {shape_buf.view(), f.view(), kIn2x2.view(), bias.view()};
  const TensorView outs[] = {out.mut()};
  ASSERT_TRUE(run_reference(g.graph, g.graph.node(g.node), ins, outs).ok());
  expect_values(out.data, {11, 11, 12, 12, 11, 11, 12, 12, 13, 13, 14, 14, 13, 13, 14, 14});
}

Status infer_tc(std::vector<int32_t> os, Shape f, Shape in, TransposeConvAttrs a = {},
                Shape* out = nullptr) {
  OpGraph g;
  Status s = g.infer(OpType::kTransposeConv, a,
                     {g.constant<int32_t>({static_cast<int64_t>(os.size())}, os),
                      g.input(DType::kF32, std::move(f)), g.input(DType::kF32, std::move(in))});
  if (s.ok() && out) *out = g.out().shape;
  return s;
}

TEST(TransposeConv, InferShapeAndErrors) {
  Shape out;
  ASSERT_TRUE(infer_tc({1, 8, 8, 2}, {2, 3, 3, 3}, {1, 4, 4, 3},
                       {.padding = Padding::kSame, .stride_h = 2, .stride_w = 2}, &out)
                  .ok());
  EXPECT_EQ(out, Shape({1, 8, 8, 2}));
  EXPECT_FALSE(infer_tc({1, 8, 8}, {2, 3, 3, 3}, {1, 4, 4, 3}).ok());      // 3 values
  EXPECT_FALSE(infer_tc({1, 8, 8, 5}, {2, 3, 3, 3}, {1, 4, 4, 3}).ok());   // channels vs filter
  EXPECT_FALSE(infer_tc({1, 8, 8, 2}, {2, 3, 3, 4}, {1, 4, 4, 3}).ok());   // in channels
  EXPECT_FALSE(infer_tc({1, -8, 8, 2}, {2, 3, 3, 3}, {1, 4, 4, 3}).ok());  // negative size
  EXPECT_FALSE(infer_tc({2, 8, 8, 2}, {2, 3, 3, 3}, {1, 4, 4, 3}).ok());   // batch
  EXPECT_FALSE(infer_tc({1, 8, 8, 2}, {2, 3, 3, 3}, {1, 4, 4, 3}, {.stride_h = 0}).ok());
  // The output must map back to the input through the forward convolution.
  const TransposeConvAttrs same2{.padding = Padding::kSame, .stride_h = 2, .stride_w = 2};
  const TransposeConvAttrs valid2{.padding = Padding::kValid, .stride_h = 2, .stride_w = 2};
  EXPECT_TRUE(infer_tc({1, 7, 8, 2}, {2, 3, 3, 3}, {1, 4, 4, 3}, same2).ok());  // ceil(7/2) = 4
  const Status s6 = infer_tc({1, 6, 8, 2}, {2, 3, 3, 3}, {1, 4, 4, 3}, same2);
  EXPECT_FALSE(s6.ok());
  EXPECT_NE(s6.message().find("output_shape height 6 does not match the input height 4: a SAME "
                              "stride-2 convolution with a filter height of 3 maps it to 3"),
            std::string::npos)
      << s6.message();
  EXPECT_TRUE(infer_tc({1, 9, 10, 2}, {2, 3, 3, 3}, {1, 4, 4, 3}, valid2).ok());  // + 1 column
  EXPECT_FALSE(infer_tc({1, 9, 8, 2}, {2, 3, 3, 3}, {1, 4, 4, 3}, valid2).ok());  // (8-3)/2+1 = 3
  EXPECT_FALSE(
      infer_tc({1, 2, 9, 2}, {2, 3, 3, 3}, {1, 4, 4, 3}, valid2).ok());  // under the filter
  OpGraph g;  // output_shape computed at run time
  EXPECT_EQ(g.infer(OpType::kTransposeConv, TransposeConvAttrs{},
                    {g.input(DType::kI32, {4}), g.input(DType::kF32, {2, 3, 3, 3}),
                     g.input(DType::kF32, {1, 4, 4, 3})})
                .code(),
            StatusCode::kUnsupported);
}

Shape infer_bias_op(TransposeConvAttrs a, Shape in, Shape f) {
  OpGraph g;
  const int64_t oc = f[0];
  Status s = g.infer(OpType::kConvolution2DTransposeBias, a,
                     {g.input(DType::kF32, std::move(in)), g.input(DType::kF32, std::move(f)),
                      g.input(DType::kF32, {oc})});
  EXPECT_TRUE(s.ok()) << s.to_string();
  return s.ok() ? g.out().shape : Shape();
}

TEST(Convolution2DTransposeBias, OutputSizeFollowsMediaPipe) {
  const TransposeConvAttrs same{.padding = Padding::kSame, .stride_h = 2, .stride_w = 2};
  const TransposeConvAttrs valid{.padding = Padding::kValid, .stride_h = 2, .stride_w = 2};
  EXPECT_EQ(infer_bias_op(same, {1, 4, 4, 3}, {5, 4, 4, 3}), Shape({1, 8, 8, 5}));
  // Odd width 5: (5-1) % 2 == 0 gives pad 2, so 2*4 + 3 - 2 = 9, not 10.
  EXPECT_EQ(infer_bias_op(same, {1, 4, 5, 3}, {5, 3, 3, 3}), Shape({1, 8, 9, 5}));
  // k < stride: MediaPipe's s*(in-1) + k - max(0, k - (in-1)%s - 1) = 7, not 8.
  EXPECT_EQ(infer_bias_op(same, {1, 4, 4, 3}, {5, 1, 1, 3}), Shape({1, 7, 7, 5}));
  EXPECT_EQ(infer_bias_op(valid, {1, 4, 4, 3}, {5, 3, 3, 3}), Shape({1, 9, 9, 5}));
}

TEST(Convolution2DTransposeBias, InferRejectsMissingBiasAndMismatch) {
  OpGraph g;
  EXPECT_FALSE(g.infer(OpType::kConvolution2DTransposeBias, TransposeConvAttrs{},
                       {g.input(DType::kF32, {1, 4, 4, 3}), g.input(DType::kF32, {5, 3, 3, 3})})
                   .ok());
  OpGraph h;
  EXPECT_FALSE(h.infer(OpType::kConvolution2DTransposeBias, TransposeConvAttrs{},
                       {h.input(DType::kF32, {1, 4, 4, 3}), h.input(DType::kF32, {5, 3, 3, 3}),
                        h.input(DType::kF32, {4})})
                   .ok());
}

TEST(Convolution2DTransposeBias, KernelWithInferredShape) {
  // SAME, k 3, s 2, 2x2 -> 4x4 with MediaPipe's pad 1 / 2 = 0 before: the same
  // crop as TRANSPOSE_CONV, plus the bias.
  const TransposeConvAttrs a{.padding = Padding::kSame, .stride_h = 2, .stride_w = 2};
  EXPECT_EQ(infer_bias_op(a, {1, 2, 2, 1}, {1, 3, 3, 1}), Shape({1, 4, 4, 1}));
  auto f = ones({1, 3, 3, 1});
  auto bias = buf<float>({1}, {-1});
  auto out = out_buf<float>({1, 4, 4, 1});
  ASSERT_TRUE(ref::transpose_conv(a, kIn2x2.view(), f.view(), bias.view(), out.mut()).ok());
  expect_values(out.data, {0, 0, 2, 1, 0, 0, 2, 1, 3, 3, 9, 5, 2, 2, 6, 3});
}

}  // namespace
}  // namespace odin
