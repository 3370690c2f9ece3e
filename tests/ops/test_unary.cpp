#include <gtest/gtest.h>

#include <cmath>

#include "infer_helpers.h"
#include "kernels/reference/reference.h"

namespace odin {
namespace {

using test::buf;
using test::OpGraph;
using test::out_buf;

// Runs the op's reference kernel through its definition, as a node runs.
Status run_node(OpType op, const OpAttrs& attrs, const ConstTensorView& in, const TensorView& out) {
  const Graph g;
  Node n;
  n.op = op;
  n.attrs = attrs;
  return run_reference(g, n, std::span(&in, 1), std::span(&out, 1));
}

std::vector<float> run(OpType op, const std::vector<float>& x, OpAttrs attrs = {}) {
  auto in = buf<float>({static_cast<int64_t>(x.size())}, x);
  auto out = out_buf<float>(in.shape);
  const Status s = run_node(op, attrs, in.view(), out.mut());
  EXPECT_TRUE(s.ok()) << s.to_string();
  return out.data;
}

const std::vector<float> kX = {-4, -1.5f, -0.5f, 0, 0.5f, 1.5f, 4, 7};

TEST(Unary, InferKeepsShapeAndChecksDtype) {
  OpGraph g;
  ASSERT_TRUE(g.infer(OpType::kTanh, {}, {g.input(DType::kF32, {1, kDynamicDim, 8})}).ok());
  EXPECT_EQ(g.out().shape.str(), "[1,?,8]");
  EXPECT_EQ(g.out().dtype, DType::kF32);
  OpGraph g2;
  // int8 needs the RELU's table lookup (LOGISTIC, TANH, HARD_SWISH, RELU family);
  // other functions stay float, and an int8 input without a scale is refused.
  EXPECT_EQ(g2.infer(OpType::kRsqrt, {}, {g2.input(DType::kI8, {4})}).code(),
            StatusCode::kUnsupported);
  OpGraph g5;
  EXPECT_FALSE(g5.infer(OpType::kRelu, {}, {g5.input(DType::kI8, {4})}).ok());
  OpGraph g3;
  EXPECT_FALSE(g3.infer(OpType::kLeakyRelu, {}, {g3.input(DType::kF32, {4})}).ok());
  OpGraph g4;
  EXPECT_FALSE(g4.infer(OpType::kRelu, {}, {}).ok());
}

TEST(Unary, ClampingActivations) {
  EXPECT_EQ(run(OpType::kRelu, kX), (std::vector<float>{0, 0, 0, 0, 0.5f, 1.5f, 4, 7}));
  EXPECT_EQ(run(OpType::kReluN1To1, kX), (std::vector<float>{-1, -1, -0.5f, 0, 0.5f, 1, 1, 1}));
  EXPECT_EQ(run(OpType::kRelu6, kX), (std::vector<float>{0, 0, 0, 0, 0.5f, 1.5f, 4, 6}));
}

TEST(Unary, LogisticTanhRsqrt) {
  const auto sig = run(OpType::kLogistic, kX);
  const auto th = run(OpType::kTanh, kX);
  for (size_t i = 0; i < kX.size(); ++i) {
    EXPECT_NEAR(sig[i], 1.0 / (1.0 + std::exp(-static_cast<double>(kX[i]))), 1e-6);
    EXPECT_NEAR(th[i], std::tanh(static_cast<double>(kX[i])), 1e-6);
  }
  const auto r = run(OpType::kRsqrt, {4, 0.25f, 1, 0, -1});
  EXPECT_FLOAT_EQ(r[0], 0.5f);
  EXPECT_FLOAT_EQ(r[1], 2.0f);
  EXPECT_FLOAT_EQ(r[2], 1.0f);
  EXPECT_TRUE(std::isinf(r[3]));
  EXPECT_TRUE(std::isnan(r[4]));
}

TEST(Unary, HardSwish) {
  // x * relu6(x + 3) / 6
  const auto y = run(OpType::kHardSwish, kX);
  const std::vector<float> want = {
      0, -1.5f * 1.5f / 6, -0.5f * 2.5f / 6, 0, 0.5f * 3.5f / 6, 1.5f * 4.5f / 6, 4, 7};
  for (size_t i = 0; i < want.size(); ++i) EXPECT_FLOAT_EQ(y[i], want[i]) << i;
}

TEST(Unary, LeakyReluAlpha) {
  const auto y = run(OpType::kLeakyRelu, kX, LeakyReluAttrs{0.1f});
  for (size_t i = 0; i < kX.size(); ++i) EXPECT_FLOAT_EQ(y[i], kX[i] > 0 ? kX[i] : 0.1f * kX[i]);
  auto in = buf<float>({1}, {1});
  auto out = out_buf<float>({1});
  EXPECT_FALSE(run_node(OpType::kLeakyRelu, {}, in.view(), out.mut()).ok());  // no alpha
}

TEST(Unary, GeluExactAndApproximate) {
  // Exact: 0.5x(1+erf(x/sqrt2)). Values from scipy-style hand computation:
  // gelu(1) = 0.8413447, gelu(-1) = -0.1586553, gelu(2) = 1.9544997.
  const auto exact = run(OpType::kGelu, {1, -1, 2, 0}, GeluAttrs{false});
  EXPECT_NEAR(exact[0], 0.8413447f, 1e-6);
  EXPECT_NEAR(exact[1], -0.1586553f, 1e-6);
  EXPECT_NEAR(exact[2], 1.9544997f, 1e-6);
  EXPECT_EQ(exact[3], 0.0f);
  // Approximate: 0.5x(1+tanh(sqrt(2/pi)(x+0.044715x^3))): gelu~(1) = 0.8411920,
  // gelu~(-1) = -0.1588080, gelu~(2) = 1.9545977.
  const auto approx = run(OpType::kGelu, {1, -1, 2, 0}, GeluAttrs{true});
  EXPECT_NEAR(approx[0], 0.8411920f, 1e-6);
  EXPECT_NEAR(approx[1], -0.1588080f, 1e-6);
  EXPECT_NEAR(approx[2], 1.9545977f, 1e-6);
  EXPECT_NE(exact[0], approx[0]);
}

TEST(Unary, KernelRejectsMismatch) {
  auto in = buf<float>({2}, {1, 2});
  auto out = out_buf<float>({3});
  EXPECT_FALSE(ref::unary(UnaryFn::kRelu, in.view(), out.mut()).ok());
  auto iin = buf<int32_t>({2}, {1, 2});
  auto iout = out_buf<int32_t>({2});
  EXPECT_FALSE(ref::unary(UnaryFn::kRelu, iin.view(), iout.mut()).ok());
  auto fin = buf<float>({2}, {1, 2});
  auto fout = out_buf<float>({2});
  EXPECT_FALSE(ref::unary(UnaryFn::kNone, fin.view(), fout.mut()).ok());
}

}  // namespace
}  // namespace odin
