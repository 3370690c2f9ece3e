// BATCH_MATMUL: shape inference and the reference kernel.
#include <gtest/gtest.h>

#include "infer_helpers.h"
#include "kernels/reference/reference.h"
#include "ops/batch_matmul_dims.h"

namespace odin {
namespace {

using test::buf;
using test::OpGraph;
using test::out_buf;

using test::expect_values;

// [1 2 3; 4 5 6] @ [7 8; 9 10; 11 12] = [58 64; 139 154].
const std::vector<float> kProduct = {58, 64, 139, 154};

TEST(BatchMatMul, PlainAndAdjoints) {
  const auto x = buf<float>({2, 3}, {1, 2, 3, 4, 5, 6});
  const auto xt = buf<float>({3, 2}, {1, 4, 2, 5, 3, 6});
  const auto y = buf<float>({3, 2}, {7, 8, 9, 10, 11, 12});
  const auto yt = buf<float>({2, 3}, {7, 9, 11, 8, 10, 12});
  struct Case {
    bool adj_x, adj_y;
    const test::Buf<float>& x;
    const test::Buf<float>& y;
  };
  for (const Case& c : {Case{false, false, x, y}, Case{true, false, xt, y},
                        Case{false, true, x, yt}, Case{true, true, xt, yt}}) {
    SCOPED_TRACE(testing::Message() << "adj_x " << c.adj_x << " adj_y " << c.adj_y);
    const BatchMatMulAttrs a{.adj_x = c.adj_x, .adj_y = c.adj_y};
    OpGraph g;
    ASSERT_TRUE(g.infer(OpType::kBatchMatMul, a,
                        {g.input(DType::kF32, c.x.shape), g.input(DType::kF32, c.y.shape)})
                    .ok());
    EXPECT_EQ(g.out().shape, Shape({2, 2}));
    auto out = out_buf<float>({2, 2});
    ASSERT_TRUE(ref::batch_matmul(a, c.x.view(), c.y.view(), out.mut()).ok());
    expect_values(out.data, kProduct);
  }
}

TEST(BatchMatMul, BroadcastsBatchDims) {
  // x [2,1,1,2] (two row vectors), y [3,2,1] (three column vectors):
  // out [2,3,1,1] with out[i][j] = x_i . y_j.
  const auto x = buf<float>({2, 1, 1, 2}, {1, 2, 3, 4});
  const auto y = buf<float>({3, 2, 1}, {1, 0, 0, 1, 1, 1});
  OpGraph g;
  ASSERT_TRUE(g.infer(OpType::kBatchMatMul, BatchMatMulAttrs{},
                      {g.input(DType::kF32, x.shape), g.input(DType::kF32, y.shape)})
                  .ok());
  EXPECT_EQ(g.out().shape, Shape({2, 3, 1, 1}));
  auto out = out_buf<float>({2, 3, 1, 1});
  ASSERT_TRUE(ref::batch_matmul({}, x.view(), y.view(), out.mut()).ok());
  expect_values(out.data, {1, 2, 3, 3, 4, 7});
}

TEST(BatchMatMul, BatchedRank3WithAdjY) {
  // Batch 0: I @ [1 2; 3 4]^T; batch 1: [[2 0][0 2]] @ [1 2; 3 4]^T.
  const auto x = buf<float>({2, 2, 2}, {1, 0, 0, 1, 2, 0, 0, 2});
  const auto y = buf<float>({1, 2, 2}, {1, 2, 3, 4});
  auto out = out_buf<float>({2, 2, 2});
  ASSERT_TRUE(ref::batch_matmul({.adj_y = true}, x.view(), y.view(), out.mut()).ok());
  expect_values(out.data, {1, 3, 2, 4, 2, 6, 4, 8});
}

TEST(BatchMatMul, InferRejectsBadShapes) {
  auto run = [](BatchMatMulAttrs a, Shape x, Shape y) {
    OpGraph g;
    return g.infer(OpType::kBatchMatMul, a,
                   {g.input(DType::kF32, std::move(x)), g.input(DType::kF32, std::move(y))});
  };
  EXPECT_FALSE(run({}, {2, 3}, {4, 2}).ok());                 // K mismatch
  EXPECT_TRUE(run({.adj_y = true}, {2, 3}, {4, 3}).ok());     // same shapes, adj_y
  EXPECT_FALSE(run({}, {2, 2, 3}, {3, 3, 2}).ok());           // batch 2 vs 3
  EXPECT_FALSE(run({}, {3}, {3, 2}).ok());                    // rank 1
  EXPECT_FALSE(run({}, {1, 1, 1, 1, 1, 2, 3}, {3, 2}).ok());  // rank 7
  OpGraph g;
  EXPECT_EQ(g.infer(OpType::kBatchMatMul, BatchMatMulAttrs{},
                    {g.input(DType::kI8, {2, 3}), g.input(DType::kF32, {3, 2})})
                .code(),
            StatusCode::kUnsupported);
}

// The GPU kernels' flattened batches: an operand whose batch dims are all 1
// repeats (stride 0); partly broadcast batch dims have no flat form.
TEST(BatchMatMul, FlatBatches) {
  const BatchMatMulAttrs plain{}, adj_x{.adj_x = true, .adj_y = false};
  auto f = flat_batch_matmul(Shape({2, 2, 3, 4}), Shape({4, 5}), Shape({2, 2, 3, 5}), plain);
  ASSERT_TRUE(f.has_value());
  EXPECT_EQ(f->batches, 4);
  EXPECT_EQ(f->m, 3);
  EXPECT_EQ(f->n, 5);
  EXPECT_EQ(f->k, 4);
  EXPECT_EQ(f->x_batch_stride, 12);
  EXPECT_EQ(f->y_batch_stride, 0);
  f = flat_batch_matmul(Shape({2, 4, 3}), Shape({2, 4, 5}), Shape({2, 3, 5}), adj_x);
  ASSERT_TRUE(f.has_value());
  EXPECT_EQ(f->k, 4);
  EXPECT_EQ(f->x_batch_stride, 12);
  EXPECT_EQ(f->y_batch_stride, 20);
  // One batch in all: the strides step over nothing.
  f = flat_batch_matmul(Shape({1, 3, 4}), Shape({4, 5}), Shape({1, 3, 5}), plain);
  ASSERT_TRUE(f.has_value());
  EXPECT_EQ(f->batches, 1);
  EXPECT_FALSE(
      flat_batch_matmul(Shape({2, 1, 3, 4}), Shape({1, 3, 4, 5}), Shape({2, 3, 3, 5}), plain));
  EXPECT_FALSE(flat_batch_matmul(Shape({3, 4}), Shape({4}), Shape({3}), plain));
}

}  // namespace
}  // namespace odin
