// DENSIFY: TFLite's sparse format (CSR levels, blocks, traversal order) to a
// dense tensor, and rejection of hostile sparsity parameters.
#include <gtest/gtest.h>

#include <memory>

#include "infer_helpers.h"
#include "kernels/reference/reference.h"
#include "ops/densify.h"

namespace odin {
namespace {

using test::buf;
using test::OpGraph;
using test::out_buf;

using Dim = SparsityParams::Dim;

Dim dense(int32_t n) {
  Dim d;
  d.dense_size = n;
  return d;
}

Dim csr(std::vector<int32_t> segments, std::vector<int32_t> indices) {
  Dim d;
  d.sparse = true;
  d.segments = std::move(segments);
  d.indices = std::move(indices);
  return d;
}

SparsityParams params(std::vector<int32_t> order, std::vector<int32_t> block_map,
                      std::vector<Dim> dims) {
  SparsityParams sp;
  sp.traversal_order = std::move(order);
  sp.block_map = std::move(block_map);
  sp.dims = std::move(dims);
  return sp;
}

// Rows 0 and 2 of a 3x4 matrix in CSR.
SparsityParams csr_3x4() {
  return params({0, 1}, {}, {dense(3), csr({0, 2, 2, 4}, {1, 3, 0, 3})});
}

template <typename T>
Status densify(const SparsityParams& sp, const test::Buf<T>& values, test::Buf<T>& out) {
  ConstTensorView in = values.view();
  in.shape = out.shape;  // a sparse constant's value carries the dense shape
  return ref::densify(in, sp, out.mut());
}

TEST(Densify, CsrMatrix) {
  auto values = buf<float>({4}, {1, 2, 3, 4});
  auto out = out_buf<float>({3, 4});
  ASSERT_TRUE(densify(csr_3x4(), values, out).ok());
  EXPECT_EQ(out.data, std::vector<float>({0, 1, 0, 2, 0, 0, 0, 0, 3, 0, 0, 4}));
}

TEST(Densify, DenseBlocksOfASparseBlockGrid) {
  // 4x4 in 2x2 blocks; blocks (0,0), (0,1), (1,1) are stored, each row-major.
  const SparsityParams sp =
      params({0, 1, 2, 3}, {0, 1}, {dense(2), csr({0, 2, 3}, {0, 1, 1}), dense(2), dense(2)});
  auto values = buf<float>({12}, {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12});
  auto out = out_buf<float>({4, 4});
  ASSERT_TRUE(densify(sp, values, out).ok());
  EXPECT_EQ(out.data, std::vector<float>({1, 2, 5, 6, 3, 4, 7, 8, 0, 0, 9, 10, 0, 0, 11, 12}));
}

TEST(Densify, TraversalOrderColumnMajorAndGenericElementSize) {
  // Stored column by column; 16-bit elements (the face detector's fp16 weights).
  const SparsityParams sp = params({1, 0}, {}, {dense(3), dense(2)});
  const std::vector<uint16_t> stored = {1, 4, 2, 5, 3, 6};
  std::vector<uint16_t> dense_out(6, 0xffff);
  const ConstTensorView in{DType::kF16, Shape({2, 3}), stored.data()};
  const TensorView out{DType::kF16, Shape({2, 3}), dense_out.data()};
  ASSERT_TRUE(ref::densify(in, sp, out).ok());
  EXPECT_EQ(dense_out, std::vector<uint16_t>({1, 2, 3, 4, 5, 6}));
}

TEST(Densify, RejectsHostileParameters) {
  auto values = buf<float>({4}, {1, 2, 3, 4});
  auto check = [&](SparsityParams sp) {
    auto out = out_buf<float>({3, 4});
    return densify(sp, values, out);
  };
  SparsityParams sp = csr_3x4();
  sp.dims[1].indices = {1, 4, 0, 3};  // column 4 of 4
  EXPECT_FALSE(check(sp).ok());
  sp = csr_3x4();
  sp.dims[1].indices = {1, -1, 0, 3};
  EXPECT_FALSE(check(sp).ok());
  sp = csr_3x4();
  sp.dims[1].segments = {0, 2, 1, 4};  // decreasing
  EXPECT_FALSE(check(sp).ok());
  sp = csr_3x4();
  sp.dims[1].segments = {0, 2, 2, 9};  // past the indices
  EXPECT_FALSE(check(sp).ok());
  sp = csr_3x4();
  sp.dims[1].segments = {0, 2};  // too few segments for 3 rows
  EXPECT_FALSE(check(sp).ok());
  sp = csr_3x4();
  sp.dims[1].indices = {3, 1, 0, 3};  // not increasing: two values on one element
  EXPECT_FALSE(check(sp).ok());
  sp = csr_3x4();
  sp.dims[0] = dense(5);  // dense size disagrees with the shape
  EXPECT_FALSE(check(sp).ok());
  sp = csr_3x4();
  sp.traversal_order = {0, 0};
  EXPECT_FALSE(check(sp).ok());
  sp = csr_3x4();
  sp.traversal_order = {0, 1, 2};
  EXPECT_FALSE(check(sp).ok());
  sp = csr_3x4();
  sp.dims.pop_back();
  EXPECT_FALSE(check(sp).ok());
  // A block size that does not divide its dim, and a block_map out of range.
  SparsityParams blocks = params({0, 1, 2}, {1}, {dense(3), dense(1), dense(3)});
  EXPECT_FALSE(check(blocks).ok());
  blocks.block_map = {2};
  EXPECT_FALSE(check(blocks).ok());
  // More stored values than an input of shape [count] holds (with the dense
  // shape on the input, shape inference checks the buffer instead).
  const SparsityParams all = params({0, 1}, {}, {dense(3), dense(4)});
  auto out = out_buf<float>({3, 4});
  EXPECT_FALSE(ref::densify(values.view(), all, out.mut()).ok());
}

ValueId sparse_constant(OpGraph& g, const SparsityParams& sp, Shape shape,
                        const std::vector<uint16_t>& stored) {
  const ValueId v =
      g.constant<int16_t>(std::move(shape), std::vector<int16_t>(stored.begin(), stored.end()));
  Value& val = g.graph.value(v);
  val.dtype = DType::kF16;
  val.sparsity = std::make_shared<const SparsityParams>(sp);
  return v;
}

TEST(Densify, InferKeepsDtypeAndDenseShape) {
  OpGraph g;
  const ValueId v = sparse_constant(g, csr_3x4(), {3, 4}, {1, 2, 3, 4});
  ASSERT_TRUE(g.infer(OpType::kDensify, {}, {v}).ok());
  EXPECT_EQ(g.out().dtype, DType::kF16);
  EXPECT_EQ(g.out().shape, Shape({3, 4}));
}

TEST(Densify, InferRejectsShortBufferAndMissingSparsity) {
  OpGraph g;
  const ValueId v = sparse_constant(g, csr_3x4(), {3, 4}, {1, 2, 3});  // 3 of 4 values
  EXPECT_FALSE(g.infer(OpType::kDensify, {}, {v}).ok());
  OpGraph h;
  EXPECT_FALSE(h.infer(OpType::kDensify, {}, {h.constant<float>({2}, {1, 2})}).ok());
  OpGraph bad;
  SparsityParams sp = csr_3x4();
  sp.dims[1].indices = {1, 9, 0, 3};
  const ValueId w = sparse_constant(bad, sp, {3, 4}, {1, 2, 3, 4});
  EXPECT_EQ(bad.infer(OpType::kDensify, {}, {w}).code(), StatusCode::kInvalidModel);
}

// A sparse constant holds packed values: any op but DENSIFY would read them
// as a dense tensor past their end (found by fuzz_tflite_structured).
TEST(Densify, OtherOpsRefuseSparseConstants) {
  OpGraph g;
  const ValueId v = sparse_constant(g, csr_3x4(), {3, 4}, {1, 2, 3, 4});
  const Status st = g.infer(OpType::kLogistic, {}, {v});
  EXPECT_EQ(st.code(), StatusCode::kInvalidModel);
  EXPECT_NE(st.message().find("only DENSIFY"), std::string::npos) << st.message();
}

TEST(Densify, WalkVisitsEveryStoredValueOnce) {
  std::vector<int64_t> offsets;
  ASSERT_TRUE(for_each_sparse_value(csr_3x4(), Shape({3, 4}), [&](int64_t o) {
                offsets.push_back(o);
              }).ok());
  EXPECT_EQ(offsets, std::vector<int64_t>({1, 3, 8, 11}));
}

}  // namespace
}  // namespace odin
