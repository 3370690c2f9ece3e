#include <gtest/gtest.h>

#include "infer_helpers.h"
#include "kernels/reference/reference.h"

namespace odin {
namespace {

using test::buf;
using test::OpGraph;

Result<Shape> infer(Shape params, Shape indices, GatherAttrs attrs) {
  OpGraph g;
  const Status s =
      g.infer(OpType::kGather, attrs,
              {g.input(DType::kF32, std::move(params)), g.input(DType::kI32, std::move(indices))});
  if (!s.ok()) return s;
  return g.out().shape;
}

TEST(Gather, InferShapes) {
  EXPECT_EQ(infer({5, 3}, {2, 4}, {0, 0}).value(), Shape({2, 4, 3}));
  EXPECT_EQ(infer({5, 3, 2}, {4}, {1, 0}).value(), Shape({5, 4, 2}));
  EXPECT_EQ(infer({5, 3, 2}, {4}, {-1, 0}).value(), Shape({5, 3, 4}));
  EXPECT_EQ(infer({5, 3}, {}, {0, 0}).value(), Shape({3}));  // scalar index
  EXPECT_EQ(infer({2, 5, 3}, {2, 4}, {1, 1}).value(), Shape({2, 4, 3}));
  EXPECT_EQ(infer({2, 5, 3}, {2, 4}, {-2, -1}).value(), Shape({2, 4, 3}));
  EXPECT_FALSE(infer({5, 3}, {2}, {2, 0}).ok());  // axis out of range
  EXPECT_FALSE(infer({5, 3}, {2}, {-3, 0}).ok());
  EXPECT_FALSE(infer({2, 5, 3}, {3, 4}, {1, 1}).ok());  // batch dims differ
  EXPECT_FALSE(infer({2, 5, 3}, {2, 4}, {1, 2}).ok());  // batch_dims > axis
  OpGraph g;
  EXPECT_FALSE(g.infer(OpType::kGather, GatherAttrs{},
                       {g.input(DType::kF32, {3}), g.input(DType::kF32, {1})})
                   .ok());
}

TEST(Gather, InferChecksConstantIndices) {
  OpGraph g;
  const Status s = g.infer(OpType::kGather, GatherAttrs{},
                           {g.input(DType::kF32, {3, 2}), g.constant<int32_t>({2}, {0, 3})});
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("index 3"), std::string::npos) << s.message();
}

TEST(Gather, Axis0Rows) {
  auto params = test::iota_buf<float>({4, 2});
  auto idx = buf<int32_t>({3}, {3, 0, 3});
  auto out = test::out_buf<float>({3, 2});
  ASSERT_TRUE(ref::gather({0, 0}, params.view(), idx.view(), out.mut()).ok());
  EXPECT_EQ(out.data, (std::vector<float>{6, 7, 0, 1, 6, 7}));
}

TEST(Gather, NegativeAxisInt64Indices) {
  auto params = test::iota_buf<int32_t>({2, 3});
  auto idx = buf<int64_t>({2, 2}, {2, 0, 1, 1});
  auto out = test::out_buf<int32_t>({2, 2, 2});
  ASSERT_TRUE(ref::gather({-1, 0}, params.view(), idx.view(), out.mut()).ok());
  EXPECT_EQ(out.data, (std::vector<int32_t>{2, 0, 1, 1, 5, 3, 4, 4}));
}

TEST(Gather, BatchDims) {
  // params [2,3,2], indices [2,2], axis 1, batch_dims 1:
  // out[b, i, k] = params[b, idx[b, i], k]
  auto params = test::iota_buf<float>({2, 3, 2});
  auto idx = buf<int32_t>({2, 2}, {2, 0, 1, 1});
  auto out = test::out_buf<float>({2, 2, 2});
  ASSERT_TRUE(ref::gather({1, 1}, params.view(), idx.view(), out.mut()).ok());
  EXPECT_EQ(out.data, (std::vector<float>{4, 5, 0, 1, 8, 9, 8, 9}));
}

TEST(Gather, HugeInt64IndexFails) {
  auto params = test::iota_buf<float>({4, 2});
  auto idx = buf<int64_t>({1}, {int64_t{1} << 62});
  auto out = test::out_buf<float>({1, 2});
  EXPECT_FALSE(ref::gather({0, 0}, params.view(), idx.view(), out.mut()).ok());
  EXPECT_FALSE(ref::gather({0, 5}, params.view(), idx.view(), out.mut()).ok());  // batch_dims
}

TEST(Gather, OutOfRangeIndexFailsAtRunTime) {
  auto params = test::iota_buf<float>({4, 2});
  auto out = test::out_buf<float>({2, 2});
  for (int32_t bad : {4, -1}) {
    auto idx = buf<int32_t>({2}, {1, bad});
    const Status s = ref::gather({0, 0}, params.view(), idx.view(), out.mut());
    EXPECT_EQ(s.code(), StatusCode::kOutOfRange);
    EXPECT_NE(s.message().find("index " + std::to_string(bad)), std::string::npos) << s.message();
  }
}

}  // namespace
}  // namespace odin
