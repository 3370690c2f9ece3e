// SOFTMAX: reference kernel against the textbook formula, and shape inference.
#include <gtest/gtest.h>

#include <cmath>

#include "infer_helpers.h"
#include "kernels/reference/reference.h"

namespace odin {
namespace {

using test::buf;
using test::OpGraph;
using test::out_buf;

// exp(beta x_i) / sum_j exp(beta x_j) per row, in double, without the max shift.
std::vector<float> textbook(const std::vector<float>& x, size_t depth, double beta) {
  std::vector<float> y(x.size());
  for (size_t r = 0; r < x.size() / depth; ++r) {
    double sum = 0;
    for (size_t c = 0; c < depth; ++c) sum += std::exp(beta * x[r * depth + c]);
    for (size_t c = 0; c < depth; ++c)
      y[r * depth + c] = static_cast<float>(std::exp(beta * x[r * depth + c]) / sum);
  }
  return y;
}

void expect_values(const std::vector<float>& got, const std::vector<float>& want) {
  test::expect_values(got, want, 1e-6f);
}

TEST(Softmax, RowsOverLastAxis) {
  const std::vector<float> x = {1, 2, 3, -1, 0, 0.5f};
  auto in = buf<float>({2, 3}, x);
  auto out = out_buf<float>({2, 3});
  ASSERT_TRUE(ref::softmax({}, in.view(), out.mut()).ok());
  expect_values(out.data, textbook(x, 3, 1.0));
}

TEST(Softmax, Beta) {
  const std::vector<float> x = {-8, 0, 3, 7.5f};
  auto in = buf<float>({1, 1, 4}, x);
  for (float beta : {0.5f, 2.0f, 0.0f}) {
    auto out = out_buf<float>({1, 1, 4});
    ASSERT_TRUE(ref::softmax({.beta = beta}, in.view(), out.mut()).ok());
    expect_values(out.data, textbook(x, 4, beta));
  }
}

TEST(Softmax, LargeInputsStayFinite) {
  auto in = buf<float>({2}, {1000, 1001});
  auto out = out_buf<float>({2});
  ASSERT_TRUE(ref::softmax({}, in.view(), out.mut()).ok());
  const double e = std::exp(1.0);
  expect_values(out.data, {static_cast<float>(1 / (1 + e)), static_cast<float>(e / (1 + e))});
}

TEST(Softmax, InferShape) {
  OpGraph g;
  ASSERT_TRUE(
      g.infer(OpType::kSoftmax, SoftmaxAttrs{.beta = 0.5f}, {g.input(DType::kF32, {1, 5, 7})})
          .ok());
  EXPECT_EQ(g.out().shape, Shape({1, 5, 7}));
  EXPECT_EQ(g.out().dtype, DType::kF32);
  OpGraph scalar;
  EXPECT_FALSE(scalar
                   .infer(OpType::kSoftmax, SoftmaxAttrs{},
                          {scalar.input(DType::kF32, Shape(std::vector<int64_t>{}))})
                   .ok());
  OpGraph two;
  EXPECT_FALSE(two.infer(OpType::kSoftmax, SoftmaxAttrs{},
                         {two.input(DType::kF32, {3}), two.input(DType::kF32, {3})})
                   .ok());
}

}  // namespace
}  // namespace odin
