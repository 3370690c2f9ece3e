#include <gtest/gtest.h>

#include <cmath>

#include "infer_helpers.h"
#include "kernels/reference/reference.h"

namespace odin {
namespace {

using test::buf;
using test::OpGraph;
using test::out_buf;

Shape infer_shape(const Shape& a, const Shape& b, Status* status = nullptr) {
  OpGraph g;
  const Status s =
      g.infer(OpType::kAdd, BinaryAttrs{}, {g.input(DType::kF32, a), g.input(DType::kF32, b)});
  if (status) *status = s;
  return s.ok() ? g.out().shape : Shape({-99});
}

TEST(Binary, InferBroadcastShapes) {
  EXPECT_EQ(infer_shape({1, 4, 4, 3}, {3}), Shape({1, 4, 4, 3}));
  EXPECT_EQ(infer_shape({2, 1, 3}, {1, 5, 1}), Shape({2, 5, 3}));
  EXPECT_EQ(infer_shape({}, {2, 3}), Shape({2, 3}));            // scalar
  EXPECT_EQ(infer_shape({4, 3}, {2, 1, 3}), Shape({2, 4, 3}));  // ranks differ
  EXPECT_EQ(infer_shape({kDynamicDim, 3}, {1, 3}).str(), "[?,3]");
  Status s;
  infer_shape({2, 3}, {4}, &s);
  EXPECT_EQ(s.code(), StatusCode::kInvalidModel);
  EXPECT_NE(s.message().find("do not broadcast"), std::string::npos) << s.message();
  infer_shape({2, 3}, {2, 1, 2}, &s);
  EXPECT_FALSE(s.ok());
}

TEST(Binary, InferRejectsBadInputs) {
  OpGraph g;
  EXPECT_FALSE(
      g.infer(OpType::kMul, BinaryAttrs{}, {g.input(DType::kF32, {2}), g.input(DType::kI32, {2})})
          .ok());
  OpGraph g2;
  EXPECT_FALSE(g2.infer(OpType::kMul, BinaryAttrs{}, {g2.input(DType::kF32, {2})}).ok());
  // Quantized operands need their scale; other dtypes are not computed.
  OpGraph g3;
  EXPECT_EQ(
      g3.infer(OpType::kMul, BinaryAttrs{}, {g3.input(DType::kU8, {2}), g3.input(DType::kU8, {2})})
          .code(),
      StatusCode::kInvalidModel);
  OpGraph g4;
  EXPECT_EQ(
      g4.infer(OpType::kDiv, BinaryAttrs{}, {g4.input(DType::kU8, {2}), g4.input(DType::kU8, {2})})
          .code(),
      StatusCode::kUnsupported);
  OpGraph g5;
  EXPECT_EQ(g5.infer(OpType::kAdd, BinaryAttrs{},
                     {g5.input(DType::kI16, {2}), g5.input(DType::kI16, {2})})
                .code(),
            StatusCode::kUnsupported);
}

TEST(Binary, AddBroadcastsChannelVector) {
  auto a = test::iota_buf<float>({1, 4, 4, 3});
  auto b = buf<float>({3}, {100, 200, 300});
  auto out = out_buf<float>({1, 4, 4, 3});
  ASSERT_TRUE(ref::binary(BinaryFn::kAdd, Activation::kNone, a.view(), b.view(), out.mut()).ok());
  for (size_t i = 0; i < out.data.size(); ++i)
    EXPECT_EQ(out.data[i], static_cast<float>(i) + 100.0f * static_cast<float>(i % 3 + 1));
}

TEST(Binary, BothSidesBroadcast) {
  // [2,1,3] - [1,5,1] -> [2,5,3]: out[i,j,k] = a[i,0,k] - b[0,j,0]
  auto a = test::iota_buf<float>({2, 1, 3});
  auto b = buf<float>({1, 5, 1}, {0, 10, 20, 30, 40});
  auto out = out_buf<float>({2, 5, 3});
  ASSERT_TRUE(ref::binary(BinaryFn::kSub, Activation::kNone, a.view(), b.view(), out.mut()).ok());
  for (int i = 0; i < 2; ++i)
    for (int j = 0; j < 5; ++j)
      for (int k = 0; k < 3; ++k)
        EXPECT_EQ(out.data[static_cast<size_t>((i * 5 + j) * 3 + k)],
                  static_cast<float>(i * 3 + k - 10 * j));
}

TEST(Binary, ScalarMulAndDiv) {
  auto a = buf<float>({2, 2}, {1, -2, 3, 0});
  auto s = buf<float>({}, {2});
  auto out = out_buf<float>({2, 2});
  ASSERT_TRUE(ref::binary(BinaryFn::kMul, Activation::kNone, a.view(), s.view(), out.mut()).ok());
  EXPECT_EQ(out.data, (std::vector<float>{2, -4, 6, 0}));
  ASSERT_TRUE(ref::binary(BinaryFn::kDiv, Activation::kNone, s.view(), a.view(), out.mut()).ok());
  EXPECT_EQ(out.data[0], 2.0f);
  EXPECT_EQ(out.data[1], -1.0f);
  EXPECT_TRUE(std::isinf(out.data[3]));  // IEEE division by zero
  auto z = buf<float>({}, {0});
  EXPECT_FALSE(
      ref::binary(BinaryFn::kDiv, Activation::kNone, z.view(), z.view(), out.mut()).ok());  // shape
  auto one = out_buf<float>({});
  ASSERT_TRUE(ref::binary(BinaryFn::kDiv, Activation::kNone, z.view(), z.view(), one.mut()).ok());
  EXPECT_TRUE(std::isnan(one.data[0]));
}

TEST(Binary, FusedActivations) {
  auto a = buf<float>({6}, {-3, -0.5f, 0.25f, 0.9f, 2, 8});
  auto zero = buf<float>({1}, {0});
  struct Case {
    Activation act;
    std::vector<float> want;
  };
  const Case cases[] = {
      {Activation::kNone, {-3, -0.5f, 0.25f, 0.9f, 2, 8}},
      {Activation::kRelu, {0, 0, 0.25f, 0.9f, 2, 8}},
      {Activation::kReluN1To1, {-1, -0.5f, 0.25f, 0.9f, 1, 1}},
      {Activation::kRelu6, {0, 0, 0.25f, 0.9f, 2, 6}},
      {Activation::kTanh,
       {std::tanh(-3.0f), std::tanh(-0.5f), std::tanh(0.25f), std::tanh(0.9f), std::tanh(2.0f),
        std::tanh(8.0f)}},
      {Activation::kSignBit, {1, 1, 0, 0, 0, 0}},
  };
  for (const Case& c : cases) {
    auto out = out_buf<float>({6});
    ASSERT_TRUE(ref::binary(BinaryFn::kAdd, c.act, a.view(), zero.view(), out.mut()).ok());
    EXPECT_EQ(out.data, c.want) << activation_name(c.act);
  }
}

TEST(Binary, Int32WithRelu) {
  auto a = buf<int32_t>({3}, {-5, 2, 7});
  auto b = buf<int32_t>({1}, {2});
  auto out = out_buf<int32_t>({3});
  ASSERT_TRUE(ref::binary(BinaryFn::kSub, Activation::kRelu, a.view(), b.view(), out.mut()).ok());
  EXPECT_EQ(out.data, (std::vector<int32_t>{0, 0, 5}));
  ASSERT_TRUE(ref::binary(BinaryFn::kDiv, Activation::kNone, a.view(), b.view(), out.mut()).ok());
  EXPECT_EQ(out.data, (std::vector<int32_t>{-2, 1, 3}));  // truncation
  auto zero = buf<int32_t>({1}, {0});
  EXPECT_FALSE(
      ref::binary(BinaryFn::kDiv, Activation::kNone, a.view(), zero.view(), out.mut()).ok());
}

TEST(Binary, KernelRejectsWrongOutputShape) {
  auto a = buf<float>({2, 3}, std::vector<float>(6, 1));
  auto b = buf<float>({3}, {1, 2, 3});
  auto out = out_buf<float>({3, 2});
  EXPECT_FALSE(ref::binary(BinaryFn::kAdd, Activation::kNone, a.view(), b.view(), out.mut()).ok());
  auto c = buf<float>({4}, {1, 2, 3, 4});
  auto out2 = out_buf<float>({2, 3});
  EXPECT_FALSE(ref::binary(BinaryFn::kAdd, Activation::kNone, a.view(), c.view(), out2.mut()).ok());
}

TEST(Binary, SquaredDifferenceBroadcastsAndTakesNoActivation) {
  // (a - b)^2 for [2,3] against [3]; int32 too.
  auto a = buf<float>({2, 3}, {1, -2, 3.5f, 0, 10, -4});
  auto b = buf<float>({3}, {1, 2, -0.5f});
  auto out = out_buf<float>({2, 3});
  ASSERT_TRUE(
      ref::binary(BinaryFn::kSquaredDifference, Activation::kNone, a.view(), b.view(), out.mut())
          .ok());
  test::expect_values(out.data, {0, 16, 16, 1, 64, 12.25f});
  auto ia = buf<int32_t>({2}, {7, -3});
  auto ib = buf<int32_t>({2}, {2, 5});
  auto iout = out_buf<int32_t>({2});
  ASSERT_TRUE(
      ref::binary(BinaryFn::kSquaredDifference, Activation::kNone, ia.view(), ib.view(), iout.mut())
          .ok());
  EXPECT_EQ(iout.data, (std::vector<int32_t>{25, 64}));
  // Inference: broadcasting shapes, matching dtypes; nothing fuses into it.
  OpGraph g;
  ASSERT_TRUE(g.infer(OpType::kSquaredDifference, BinaryAttrs{},
                      {g.input(DType::kF32, {1, 4, 1}), g.input(DType::kF32, {3})})
                  .ok());
  EXPECT_EQ(g.out().shape, (Shape{1, 4, 3}));
  OpGraph bad;
  EXPECT_FALSE(bad.infer(OpType::kSquaredDifference, BinaryAttrs{},
                         {bad.input(DType::kF32, {2}), bad.input(DType::kI32, {2})})
                   .ok());
  EXPECT_EQ(op_def(OpType::kSquaredDifference).activation_slot, nullptr);
}

}  // namespace
}  // namespace odin
