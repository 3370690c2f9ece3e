// MEAN and SUM: axes handling in shape inference and the reference kernel.
#include <gtest/gtest.h>

#include "infer_helpers.h"
#include "kernels/reference/reference.h"

namespace odin {
namespace {

using test::buf;
using test::OpGraph;
using test::out_buf;

using test::expect_values;

// Infers the op, then runs the kernel on iota input; returns the output.
std::vector<float> run(OpType op, bool keep, Shape in_shape, std::vector<int32_t> axes,
                       const Shape& want_shape) {
  OpGraph g;
  const Status s = g.infer(op, ReduceAttrs{.keep_dims = keep},
                           {g.input(DType::kF32, in_shape),
                            g.constant<int32_t>({static_cast<int64_t>(axes.size())}, axes)});
  EXPECT_TRUE(s.ok()) << s.to_string();
  EXPECT_EQ(g.out().shape, want_shape);
  auto in = test::iota_buf<float>(in_shape);
  auto ax = buf<int32_t>({static_cast<int64_t>(axes.size())}, axes);
  auto out = out_buf<float>(want_shape);
  const Status k = ref::reduce(op == OpType::kMean, in.view(), ax.view(), out.mut());
  EXPECT_TRUE(k.ok()) << k.to_string();
  return out.data;
}

TEST(Reduce, MeanSpatialKeepDims) {
  // [1,2,2,2] iota: channel 0 holds 0,2,4,6 and channel 1 holds 1,3,5,7.
  expect_values(run(OpType::kMean, true, {1, 2, 2, 2}, {1, 2}, {1, 1, 1, 2}), {3, 4});
}

TEST(Reduce, SumNegativeAxis) {
  expect_values(run(OpType::kSum, false, {2, 3}, {-1}, {2}), {3, 12});
}

TEST(Reduce, RepeatedAxesCountOnce) {
  // 0, 0 and -2 all name axis 0 of [2,3].
  expect_values(run(OpType::kSum, false, {2, 3}, {0, 0, -2}, {3}), {3, 5, 7});
  expect_values(run(OpType::kMean, false, {2, 3}, {0, -2}, {3}), {1.5f, 2.5f, 3.5f});
}

TEST(Reduce, MixedAxesMiddleDimSurvives) {
  // [2,3,2] iota, mean over axes 0 and -1: element j of the result averages
  // x[i][j][k] = 6i + 2j + k over i, k: 3 + 2j + 0.5.
  expect_values(run(OpType::kMean, false, {2, 3, 2}, {-1, 0}, {3}), {3.5f, 5.5f, 7.5f});
  expect_values(run(OpType::kMean, true, {2, 3, 2}, {2, 0}, {1, 3, 1}), {3.5f, 5.5f, 7.5f});
}

TEST(Reduce, AllAxesAndNoAxes) {
  expect_values(run(OpType::kSum, false, {2, 3}, {0, 1}, Shape(std::vector<int64_t>{})), {15});
  expect_values(run(OpType::kSum, true, {2, 3}, {1, 0}, {1, 1}), {15});
  expect_values(run(OpType::kMean, false, {2, 3}, {}, {2, 3}), {0, 1, 2, 3, 4, 5});
}

TEST(Reduce, Int64AxesInKernel) {
  auto in = test::iota_buf<float>({2, 2});
  auto ax = buf<int64_t>({1}, {-2});
  auto out = out_buf<float>({2});
  ASSERT_TRUE(ref::reduce(false, in.view(), ax.view(), out.mut()).ok());
  expect_values(out.data, {2, 4});
}

TEST(Reduce, InferRejectsBadAxes) {
  auto infer = [](std::vector<int32_t> axes) {
    OpGraph g;
    return g.infer(OpType::kMean, ReduceAttrs{},
                   {g.input(DType::kF32, {2, 3}),
                    g.constant<int32_t>({static_cast<int64_t>(axes.size())}, axes)});
  };
  EXPECT_FALSE(infer({2}).ok());
  EXPECT_FALSE(infer({-3}).ok());
  EXPECT_FALSE(infer({0, 5}).ok());
  OpGraph g;  // axes not constant
  EXPECT_EQ(g.infer(OpType::kSum, ReduceAttrs{},
                    {g.input(DType::kF32, {2, 3}), g.input(DType::kI32, {1})})
                .code(),
            StatusCode::kUnsupported);
  auto in = test::iota_buf<float>({2, 2});
  auto ax = buf<int32_t>({1}, {7});
  auto out = out_buf<float>({2});
  EXPECT_FALSE(ref::reduce(false, in.view(), ax.view(), out.mut()).ok());
}

}  // namespace
}  // namespace odin
