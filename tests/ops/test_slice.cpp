#include <gtest/gtest.h>

#include "infer_helpers.h"
#include "kernels/reference/reference.h"

namespace odin {
namespace {

using test::buf;
using test::OpGraph;

Result<Shape> infer(Shape in, std::vector<int32_t> begin, std::vector<int32_t> size) {
  OpGraph g;
  const Status s = g.infer(OpType::kSlice, {},
                           {g.input(DType::kF32, std::move(in)),
                            g.constant<int32_t>({static_cast<int64_t>(begin.size())}, begin),
                            g.constant<int32_t>({static_cast<int64_t>(size.size())}, size)});
  if (!s.ok()) return s;
  return g.out().shape;
}

TEST(Slice, InferShapes) {
  EXPECT_EQ(infer({4, 5}, {1, 2}, {2, 3}).value(), Shape({2, 3}));
  EXPECT_EQ(infer({4, 5}, {1, 2}, {-1, -1}).value(), Shape({3, 3}));  // to the end
  EXPECT_EQ(infer({4, 5}, {4, 0}, {0, 5}).value(), Shape({0, 5}));
  EXPECT_FALSE(infer({4, 5}, {1, 2}, {4, 1}).ok());   // past the end
  EXPECT_FALSE(infer({4, 5}, {-1, 0}, {1, 1}).ok());  // negative begin
  EXPECT_FALSE(infer({4, 5}, {0, 0}, {-2, 1}).ok());  // size < -1
  EXPECT_FALSE(infer({4, 5}, {0}, {1}).ok());         // too few values
}

TEST(Slice, Kernel) {
  auto in = test::iota_buf<float>({3, 4});
  auto begin = buf<int64_t>({2}, {1, 1});
  auto size = buf<int32_t>({2}, {-1, 2});
  auto out = test::out_buf<float>({2, 2});
  ASSERT_TRUE(ref::slice(in.view(), begin.view(), size.view(), out.mut()).ok());
  EXPECT_EQ(out.data, (std::vector<float>{5, 6, 9, 10}));
  auto bad_size = buf<int32_t>({2}, {3, 2});
  EXPECT_FALSE(ref::slice(in.view(), begin.view(), bad_size.view(), out.mut()).ok());
}

}  // namespace
}  // namespace odin
