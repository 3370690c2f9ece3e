#include <gtest/gtest.h>

#include "infer_helpers.h"
#include "kernels/reference/reference.h"

namespace odin {
namespace {

using test::buf;
using test::OpGraph;
using test::out_buf;

TEST(Pad, InferShape) {
  OpGraph g;
  ASSERT_TRUE(g.infer(OpType::kPad, {},
                      {g.input(DType::kF32, {1, 4, 4, 3}),
                       g.constant<int32_t>({4, 2}, {0, 0, 1, 2, 3, 0, 0, 5})})
                  .ok());
  EXPECT_EQ(g.out().shape, Shape({1, 7, 7, 8}));
  OpGraph g64;
  ASSERT_TRUE(g64.infer(OpType::kPad, {},
                        {g64.input(DType::kI32, {2}), g64.constant<int64_t>({1, 2}, {1, 1})})
                  .ok());
  EXPECT_EQ(g64.out().shape, Shape({4}));
}

TEST(Pad, InferRejectsBadPaddings) {
  const auto run = [](Shape pshape, std::vector<int32_t> p) {
    OpGraph g;
    return g.infer(OpType::kPad, {},
                   {g.input(DType::kF32, {2, 2}), g.constant<int32_t>(pshape, p)});
  };
  EXPECT_FALSE(run({2, 2}, {0, -1, 0, 0}).ok());       // negative
  EXPECT_FALSE(run({3, 2}, {0, 0, 0, 0, 0, 0}).ok());  // wrong rank
  EXPECT_FALSE(run({4}, {0, 0, 0, 0}).ok());
  OpGraph g;
  EXPECT_EQ(
      g.infer(OpType::kPad, {}, {g.input(DType::kF32, {2}), g.input(DType::kI32, {1, 2})}).code(),
      StatusCode::kUnsupported);  // non-constant paddings
  OpGraph huge;
  EXPECT_FALSE(
      huge.infer(OpType::kPad, {},
                 {huge.input(DType::kF32, {2, 2}),
                  huge.constant<int64_t>({2, 2}, {0, int64_t{1} << 39, 0, int64_t{1} << 39})})
          .ok());
}

TEST(Pad, HeightWidth) {
  auto in = buf<float>({1, 2, 2, 1}, {1, 2, 3, 4});
  auto pads = buf<int32_t>({4, 2}, {0, 0, 1, 0, 0, 1, 0, 0});
  auto out = out_buf<float>({1, 3, 3, 1});
  ASSERT_TRUE(ref::pad(in.view(), pads.view(), out.mut()).ok());
  EXPECT_EQ(out.data, (std::vector<float>{0, 0, 0, 1, 2, 0, 3, 4, 0}));
}

TEST(Pad, Channels) {
  auto in = buf<float>({1, 1, 2, 2}, {1, 2, 3, 4});
  auto pads = buf<int64_t>({4, 2}, {0, 0, 0, 0, 0, 0, 1, 2});
  auto out = out_buf<float>({1, 1, 2, 5});
  ASSERT_TRUE(ref::pad(in.view(), pads.view(), out.mut()).ok());
  EXPECT_EQ(out.data, (std::vector<float>{0, 1, 2, 0, 0, 0, 3, 4, 0, 0}));
  auto wrong = out_buf<float>({1, 1, 2, 4});
  EXPECT_FALSE(ref::pad(in.view(), pads.view(), wrong.mut()).ok());
}

}  // namespace
}  // namespace odin
