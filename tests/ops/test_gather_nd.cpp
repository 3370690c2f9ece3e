// GATHER_ND: shape inference and its errors, the reference kernel on
// hand-computed cases, and indices out of range (an error naming the tuple,
// never a read outside params).
#include <gtest/gtest.h>

#include "infer_helpers.h"
#include "kernels/reference/reference.h"

namespace odin {
namespace {

using test::buf;
using test::OpGraph;

Result<Shape> infer(Shape params, Shape indices, DType idx_dtype = DType::kI32) {
  OpGraph g;
  const Status s =
      g.infer(OpType::kGatherNd, {},
              {g.input(DType::kF32, std::move(params)), g.input(idx_dtype, std::move(indices))});
  if (!s.ok()) return s;
  return g.out().shape;
}

TEST(GatherNd, InferShapes) {
  // indices.shape[:-1] + params.shape[indices.shape[-1]:]
  EXPECT_EQ(infer({4, 3}, {2, 1}).value(), Shape({2, 3}));  // rows
  EXPECT_EQ(infer({4, 3}, {2, 2}).value(), Shape({2}));     // elements
  EXPECT_EQ(infer({4, 3, 5}, {2, 6, 1}).value(), Shape({2, 6, 3, 5}));
  EXPECT_EQ(infer({4, 3, 5}, {2}).value(), Shape({5}));                 // one tuple
  EXPECT_EQ(infer({4, 3, 5}, {3}).value(), Shape({}));                  // one scalar
  EXPECT_EQ(infer({2, 2, 2, 2, 2, 3}, {7, 5}).value(), Shape({7, 3}));  // rank 6 params
  EXPECT_EQ(infer({4, 3}, {2, 0}).value(), Shape({2, 4, 3}));           // depth 0: all of params
  EXPECT_EQ(infer({4, 3}, {2, 2}, DType::kI64).value(), Shape({2}));
}

TEST(GatherNd, InferErrorsNameTheProblem) {
  const auto msg = [](Result<Shape> r) { return r.ok() ? std::string() : r.status().message(); };
  EXPECT_NE(msg(infer({4, 3}, {2, 3})).find("index depth 3"), std::string::npos);
  EXPECT_NE(msg(infer({}, {1})).find("params must have rank >= 1"), std::string::npos);
  EXPECT_NE(msg(infer({4, 3}, {})).find("indices must have rank >= 1"), std::string::npos);
  EXPECT_NE(msg(infer({4, 3}, {2, 1}, DType::kF32)).find("int32 or int64"), std::string::npos);
  EXPECT_NE(msg(infer({4, 3}, {2, 1}, DType::kI8)).find("int32 or int64"), std::string::npos);
  EXPECT_NE(msg(infer({4, 3}, {2, kDynamicDim})).find("must be static"), std::string::npos);
  OpGraph g;  // one input only
  EXPECT_FALSE(g.infer(OpType::kGatherNd, {}, {g.input(DType::kF32, {3})}).ok());
}

TEST(GatherNd, InferChecksConstantIndices) {
  for (const std::vector<int32_t>& bad : {std::vector<int32_t>{0, 1, 1, 3},   // 3 >= dim 3
                                          std::vector<int32_t>{0, 1, -1, 0},  // negative
                                          std::vector<int32_t>{0, 1, 4, 0}}) {
    OpGraph g;
    const Status s = g.infer(OpType::kGatherNd, {},
                             {g.input(DType::kF32, {4, 3}), g.constant<int32_t>({2, 2}, bad)});
    EXPECT_EQ(s.code(), StatusCode::kInvalidModel) << s.to_string();
    EXPECT_NE(s.message().find("index tuple 1"), std::string::npos) << s.message();
  }
  OpGraph ok;
  EXPECT_TRUE(ok.infer(OpType::kGatherNd, {},
                       {ok.input(DType::kF32, {4, 3}), ok.constant<int32_t>({2, 2}, {3, 2, 0, 0})})
                  .ok());
}

TEST(GatherNd, RowsAndElements) {
  auto params = test::iota_buf<float>({4, 3});  // row r = [3r, 3r+1, 3r+2]
  auto rows_idx = buf<int32_t>({3, 1}, {2, 0, 2});
  auto rows = test::out_buf<float>({3, 3});
  ASSERT_TRUE(ref::gather_nd(params.view(), rows_idx.view(), rows.mut()).ok());
  EXPECT_EQ(rows.data, (std::vector<float>{6, 7, 8, 0, 1, 2, 6, 7, 8}));

  auto el_idx = buf<int64_t>({2, 2, 2}, {3, 2, 0, 1, 1, 0, 2, 2});
  auto el = test::out_buf<float>({2, 2});
  ASSERT_TRUE(ref::gather_nd(params.view(), el_idx.view(), el.mut()).ok());
  EXPECT_EQ(el.data, (std::vector<float>{11, 1, 3, 8}));
}

TEST(GatherNd, SlicesOfRank3Int32Params) {
  // params[a, b, c] = 100a + 10b + c, shape [2, 3, 2]; tuples of depth 2 pick [c] rows.
  std::vector<int32_t> p;
  for (int a = 0; a < 2; ++a)
    for (int b = 0; b < 3; ++b)
      for (int c = 0; c < 2; ++c) p.push_back(100 * a + 10 * b + c);
  auto params = buf<int32_t>({2, 3, 2}, p);
  auto idx = buf<int32_t>({3, 2}, {1, 2, 0, 0, 1, 0});
  auto out = test::out_buf<int32_t>({3, 2});
  ASSERT_TRUE(ref::gather_nd(params.view(), idx.view(), out.mut()).ok());
  EXPECT_EQ(out.data, (std::vector<int32_t>{120, 121, 0, 1, 100, 101}));
}

TEST(GatherNd, IndexOutOfRangeIsAnErrorNamingTheTuple) {
  auto params = test::iota_buf<float>({4, 3});
  // [0, 5] would land inside params if flattened (0 * 3 + 5 < 12): still an error.
  for (const std::vector<int32_t>& bad :
       {std::vector<int32_t>{1, 1, 0, 5}, std::vector<int32_t>{1, 1, -1, 0},
        std::vector<int32_t>{1, 1, 4, 0}}) {
    auto idx = buf<int32_t>({2, 2}, bad);
    auto out = test::out_buf<float>({2});
    const Status s = ref::gather_nd(params.view(), idx.view(), out.mut());
    EXPECT_EQ(s.code(), StatusCode::kOutOfRange);
    EXPECT_NE(s.message().find("GATHER_ND"), std::string::npos) << s.message();
    EXPECT_NE(s.message().find("index tuple 1"), std::string::npos) << s.message();
  }
}

TEST(GatherNd, KernelChecksShapesAndDtypes) {
  auto params = test::iota_buf<float>({4, 3});
  auto idx = buf<int32_t>({2, 1}, {0, 1});
  auto wrong_shape = test::out_buf<float>({2, 2});
  EXPECT_FALSE(ref::gather_nd(params.view(), idx.view(), wrong_shape.mut()).ok());
  auto wrong_dtype = test::out_buf<int32_t>({2, 3});
  EXPECT_FALSE(ref::gather_nd(params.view(), idx.view(), wrong_dtype.mut()).ok());
  auto float_idx = buf<float>({2, 1}, {0, 1});
  auto out = test::out_buf<float>({2, 3});
  EXPECT_FALSE(ref::gather_nd(params.view(), float_idx.view(), out.mut()).ok());
}

}  // namespace
}  // namespace odin
