// DEQUANTIZE: float16 and affine int8/uint8 (per tensor, per channel).
#include <gtest/gtest.h>

#include "infer_helpers.h"
#include "kernels/reference/reference.h"

namespace odin {
namespace {

using test::buf;
using test::OpGraph;
using test::out_buf;

void expect_values(const std::vector<float>& got, const std::vector<float>& want) {
  test::expect_values(got, want, 0.0f);
}

TEST(Dequantize, Float16) {
  const std::vector<uint16_t> bits = {0x3c00, 0xc000, 0x3800, 0x7bff, 0x0001, 0x8000};
  const ConstTensorView in{DType::kF16, Shape({2, 3}), bits.data()};
  auto out = out_buf<float>({2, 3});
  ASSERT_TRUE(ref::dequantize(in, nullptr, out.mut()).ok());
  expect_values(out.data, {1, -2, 0.5f, 65504, 5.9604644775390625e-08f, -0.0f});
}

TEST(Dequantize, Int8AndUint8PerTensor) {
  QuantParams q{.scales = {0.5f}, .zero_points = {-1}};
  auto i8 = buf<int8_t>({4}, {-128, -1, 0, 127});
  auto out = out_buf<float>({4});
  ASSERT_TRUE(ref::dequantize(i8.view(), &q, out.mut()).ok());
  expect_values(out.data, {-63.5f, 0, 0.5f, 64});
  QuantParams qu{.scales = {0.25f}, .zero_points = {128}};
  auto u8 = buf<uint8_t>({3}, {0, 128, 255});
  auto out_u = out_buf<float>({3});
  ASSERT_TRUE(ref::dequantize(u8.view(), &qu, out_u.mut()).ok());
  expect_values(out_u.data, {-32, 0, 31.75f});
}

TEST(Dequantize, PerChannel) {
  // Axis 0 of [2,3]: row 0 scale 1 zp 0, row 1 scale 0.5 zp 2.
  QuantParams q0{.scales = {1.0f, 0.5f}, .zero_points = {0, 2}, .axis = 0};
  auto a = buf<int8_t>({2, 3}, {1, 2, 3, 2, 12, -8});
  auto out = out_buf<float>({2, 3});
  ASSERT_TRUE(ref::dequantize(a.view(), &q0, out.mut()).ok());
  expect_values(out.data, {1, 2, 3, 0, 5, -5});
  // Axis 1 of [2,2]: the channel changes with every element.
  QuantParams q1{.scales = {1.0f, 2.0f}, .zero_points = {0, 0}, .axis = 1};
  auto b = buf<int8_t>({2, 2}, {1, 1, 3, 3});
  auto out1 = out_buf<float>({2, 2});
  ASSERT_TRUE(ref::dequantize(b.view(), &q1, out1.mut()).ok());
  expect_values(out1.data, {1, 2, 3, 6});
}

TEST(Dequantize, KernelErrors) {
  auto a = buf<int8_t>({2}, {1, 2});
  auto out = out_buf<float>({2});
  EXPECT_FALSE(ref::dequantize(a.view(), nullptr, out.mut()).ok());
  QuantParams bad{.scales = {1.0f, 2.0f, 3.0f}, .zero_points = {}, .axis = 0};
  EXPECT_FALSE(ref::dequantize(a.view(), &bad, out.mut()).ok());
  auto f = buf<float>({2}, {1, 2});
  EXPECT_EQ(ref::dequantize(f.view(), nullptr, out.mut()).code(), StatusCode::kUnsupported);
}

TEST(Dequantize, Infer) {
  OpGraph g;
  const ValueId h = g.input(DType::kF16, {4, 3});
  g.graph.value(h).quant = QuantParams{};  // MediaPipe's empty tables are ignored for fp16
  ASSERT_TRUE(g.infer(OpType::kDequantize, {}, {h}).ok());
  EXPECT_EQ(g.out().dtype, DType::kF32);
  EXPECT_EQ(g.out().shape, Shape({4, 3}));

  auto with_quant = [](DType dt, std::optional<QuantParams> q) {
    OpGraph g;
    const ValueId v = g.input(dt, {2, 3});
    g.graph.value(v).quant = std::move(q);
    return g.infer(OpType::kDequantize, {}, {v});
  };
  EXPECT_TRUE(with_quant(DType::kI8, QuantParams{.scales = {0.1f}, .zero_points = {3}}).ok());
  EXPECT_TRUE(
      with_quant(DType::kU8, QuantParams{.scales = {1, 2, 3}, .zero_points = {}, .axis = 1}).ok());
  EXPECT_FALSE(with_quant(DType::kI8, std::nullopt).ok());
  EXPECT_FALSE(
      with_quant(DType::kI8, QuantParams{.scales = {1, 2, 3}, .zero_points = {}, .axis = 0}).ok());
  EXPECT_FALSE(
      with_quant(DType::kI8, QuantParams{.scales = {1, 2}, .zero_points = {}, .axis = 5}).ok());
  EXPECT_FALSE(
      with_quant(DType::kI8, QuantParams{.scales = {1, 2, 3}, .zero_points = {0, 0}, .axis = 1})
          .ok());
  EXPECT_EQ(with_quant(DType::kF32, std::nullopt).code(), StatusCode::kUnsupported);
}

}  // namespace
}  // namespace odin
