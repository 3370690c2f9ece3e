#include <gtest/gtest.h>

#include "infer_helpers.h"
#include "kernels/reference/reference.h"

namespace odin {
namespace {

using test::buf;
using test::OpGraph;

TEST(Transpose, InferShapeAndErrors) {
  OpGraph g;
  ASSERT_TRUE(g.infer(OpType::kTranspose, {},
                      {g.input(DType::kF32, {1, 2, 3, 4}), g.constant<int32_t>({4}, {0, 3, 1, 2})})
                  .ok());
  EXPECT_EQ(g.out().shape, Shape({1, 4, 2, 3}));
  const auto bad = [](std::vector<int32_t> perm) {
    OpGraph g;
    return g.infer(OpType::kTranspose, {},
                   {g.input(DType::kF32, {1, 2, 3}),
                    g.constant<int32_t>({static_cast<int64_t>(perm.size())}, perm)});
  };
  EXPECT_FALSE(bad({0, 1}).ok());
  EXPECT_FALSE(bad({0, 1, 1}).ok());
  EXPECT_FALSE(bad({0, 1, 3}).ok());
  EXPECT_FALSE(bad({0, -1, 1}).ok());
  EXPECT_TRUE(bad({2, 0, 1}).ok());
}

TEST(Transpose, Matrix) {
  auto in = test::iota_buf<float>({2, 3});
  auto perm = buf<int32_t>({2}, {1, 0});
  auto out = test::out_buf<float>({3, 2});
  ASSERT_TRUE(ref::transpose(in.view(), perm.view(), out.mut()).ok());
  EXPECT_EQ(out.data, (std::vector<float>{0, 3, 1, 4, 2, 5}));
}

TEST(Transpose, FiveDimensional) {
  const Shape s({2, 3, 1, 4, 2});
  auto in = test::iota_buf<int32_t>(s);
  const std::vector<int32_t> p = {4, 1, 3, 0, 2};
  auto perm = buf<int32_t>({5}, p);
  const Shape os({2, 3, 4, 2, 1});
  auto out = test::out_buf<int32_t>(os);
  ASSERT_TRUE(ref::transpose(in.view(), perm.view(), out.mut()).ok());
  const auto is = row_major_strides(s);
  const auto ostr = row_major_strides(os);
  int64_t idx[5];
  for (idx[0] = 0; idx[0] < os[0]; ++idx[0])
    for (idx[1] = 0; idx[1] < os[1]; ++idx[1])
      for (idx[2] = 0; idx[2] < os[2]; ++idx[2])
        for (idx[3] = 0; idx[3] < os[3]; ++idx[3])
          for (idx[4] = 0; idx[4] < os[4]; ++idx[4]) {
            int64_t src = 0, dst = 0;
            for (size_t d = 0; d < 5; ++d) {
              src += idx[d] * is[static_cast<size_t>(p[d])];
              dst += idx[d] * ostr[d];
            }
            ASSERT_EQ(out.data[static_cast<size_t>(dst)], src);
          }
  auto wrong = test::out_buf<int32_t>(s);
  EXPECT_FALSE(ref::transpose(in.view(), perm.view(), wrong.mut()).ok());
}

}  // namespace
}  // namespace odin
