#include <gtest/gtest.h>

#include "infer_helpers.h"
#include "kernels/reference/reference.h"

namespace odin {
namespace {

using test::OpGraph;

ReshapeAttrs opts(std::vector<int32_t> s) {
  return ReshapeAttrs{std::move(s), true};
}

TEST(Reshape, FromShapeInputWithMinusOne) {
  OpGraph g;
  ASSERT_TRUE(g.infer(OpType::kReshape, {},
                      {g.input(DType::kF32, {2, 3, 4}), g.constant<int32_t>({2}, {-1, 6})})
                  .ok());
  EXPECT_EQ(g.out().shape, Shape({4, 6}));
}

TEST(Reshape, FromOptionsWhenShapeInputAbsent) {
  OpGraph g;
  ASSERT_TRUE(g.infer(OpType::kReshape, opts({3, -1}), {g.input(DType::kI32, {2, 3, 4})}).ok());
  EXPECT_EQ(g.out().shape, Shape({3, 8}));
  EXPECT_EQ(g.out().dtype, DType::kI32);
  OpGraph g2;  // absent slot marked -1
  ASSERT_TRUE(
      g2.infer(OpType::kReshape, opts({24}), {g2.input(DType::kF32, {2, 3, 4}), kNoValue}).ok());
  EXPECT_EQ(g2.out().shape, Shape({24}));
}

TEST(Reshape, EmptyShapeTensor) {
  // A 0-element shape input defers to the options, else means a scalar.
  OpGraph g;
  ASSERT_TRUE(g.infer(OpType::kReshape, opts({1, 1}),
                      {g.input(DType::kF32, {1}), g.constant<int32_t>({0}, {})})
                  .ok());
  EXPECT_EQ(g.out().shape, Shape({1, 1}));
  OpGraph g2;
  ASSERT_TRUE(
      g2.infer(OpType::kReshape, {}, {g2.input(DType::kF32, {1, 1}), g2.constant<int32_t>({0}, {})})
          .ok());
  EXPECT_EQ(g2.out().shape, Shape({}));
  OpGraph g3;  // legacy options [0] mean a scalar
  ASSERT_TRUE(g3.infer(OpType::kReshape, opts({0}), {g3.input(DType::kF32, {1})}).ok());
  EXPECT_EQ(g3.out().shape, Shape({}));
}

// Block formats have no size per element: ops that move single elements
// name the dtype rather than calling it unknown.
TEST(Reshape, BlockFormatInputIsRefusedByName) {
  OpGraph g;
  const Status s = g.infer(OpType::kReshape, opts({64}), {g.input(DType::kQ4_0, {2, 32})});
  EXPECT_EQ(s.code(), StatusCode::kUnsupported);
  EXPECT_NE(s.message().find("is q4_0, stored in blocks: this op moves single elements"),
            std::string::npos)
      << s.message();
  OpGraph u;
  const Status unknown =
      u.infer(OpType::kTranspose, {},
              {u.input(DType::kUnknown, {2, 32}), u.constant<int32_t>({2}, {1, 0})});
  EXPECT_NE(unknown.message().find("has an unknown dtype"), std::string::npos) << unknown.message();
}

TEST(Reshape, Errors) {
  const auto run = [](Shape in, std::vector<int32_t> shape) {
    OpGraph g;
    return g.infer(OpType::kReshape, {},
                   {g.input(DType::kF32, in),
                    g.constant<int32_t>({static_cast<int64_t>(shape.size())}, shape)});
  };
  EXPECT_FALSE(run({2, 3}, {-1, -1}).ok());
  EXPECT_FALSE(run({2, 3}, {4, -1}).ok());
  EXPECT_FALSE(run({2, 3}, {5}).ok());
  EXPECT_FALSE(run({2, 3}, {-2, -3}).ok());
  EXPECT_FALSE(run({2, 3}, {0, -1}).ok());
  EXPECT_FALSE(run({0, 3}, {-1, 0}).ok());
  EXPECT_FALSE(run({2, 3}, {1 << 30, 1 << 30, 1 << 30}).ok());
  OpGraph g;
  EXPECT_FALSE(g.infer(OpType::kReshape, {}, {g.input(DType::kF32, {2})}).ok());  // no shape
  OpGraph g2;  // non-constant shape input
  EXPECT_EQ(g2.infer(OpType::kReshape, {}, {g2.input(DType::kF32, {2}), g2.input(DType::kI32, {1})})
                .code(),
            StatusCode::kUnsupported);
}

TEST(Reshape, CopyKernel) {
  auto in = test::iota_buf<int32_t>({2, 3});
  auto out = test::out_buf<int32_t>({3, 2});
  ASSERT_TRUE(ref::copy(in.view(), out.mut()).ok());
  EXPECT_EQ(out.data, in.data);
  auto bad = test::out_buf<int32_t>({5});
  EXPECT_FALSE(ref::copy(in.view(), bad.mut()).ok());
}

}  // namespace
}  // namespace odin
