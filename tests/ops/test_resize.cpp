// RESIZE_BILINEAR and RESIZE_NEAREST_NEIGHBOR: the reference kernels against
// TFLite's sampling rules, and shape inference.
#include <gtest/gtest.h>

#include "infer_helpers.h"
#include "kernels/reference/reference.h"

namespace odin {
namespace {

using test::buf;
using test::OpGraph;
using test::out_buf;

constexpr ResizeAttrs kNone{};
constexpr ResizeAttrs kAlign{.align_corners = true};
constexpr ResizeAttrs kHalf{.half_pixel_centers = true};

// Input whose value at (y, x) is 10 y + x (one channel), so bilinear output at
// source coordinates (sy, sx) inside the image is exactly 10 sy + sx.
test::Buf<float> ramp(int64_t h, int64_t w) {
  std::vector<float> v;
  for (int64_t y = 0; y < h; ++y)
    for (int64_t x = 0; x < w; ++x) v.push_back(static_cast<float>(10 * y + x));
  return buf<float>({1, h, w, 1}, v);
}

// 10 sy + sx for every pair of source coordinates.
std::vector<float> expected(const std::vector<float>& sy, const std::vector<float>& sx) {
  std::vector<float> out;
  for (float y : sy)
    for (float x : sx) out.push_back(10 * y + x);
  return out;
}

std::vector<float> bilinear(const ResizeAttrs& a, int64_t h, int64_t w, int64_t oh, int64_t ow) {
  auto in = ramp(h, w);
  auto out = out_buf<float>({1, oh, ow, 1});
  EXPECT_TRUE(ref::resize_bilinear(a, in.view(), out.mut()).ok());
  return out.data;
}

std::vector<float> nearest(const ResizeAttrs& a, int64_t h, int64_t w, int64_t oh, int64_t ow) {
  auto in = ramp(h, w);
  auto out = out_buf<float>({1, oh, ow, 1});
  EXPECT_TRUE(ref::resize_nearest(a, in.view(), out.mut()).ok());
  return out.data;
}

void expect_values(const std::vector<float>& got, const std::vector<float>& want) {
  test::expect_values(got, want, 1e-5f);
}

TEST(ResizeBilinear, UpsampleNoFlags) {
  // scale 1/2: source 0, .5, 1, 1.5 -> the last clamps to row/col 1.
  expect_values(bilinear(kNone, 2, 2, 4, 4), expected({0, .5f, 1, 1}, {0, .5f, 1, 1}));
}

TEST(ResizeBilinear, UpsampleAlignCorners) {
  // scale (2-1)/(4-1): corners map onto corners.
  const std::vector<float> s = {0, 1.0f / 3, 2.0f / 3, 1};
  expect_values(bilinear(kAlign, 2, 2, 4, 4), expected(s, s));
}

TEST(ResizeBilinear, UpsampleHalfPixelCenters) {
  // Source (d + .5) / 2 - .5 = -.25, .25, .75, 1.25, clamped into [0, 1].
  const std::vector<float> s = {0, .25f, .75f, 1};
  expect_values(bilinear(kHalf, 2, 2, 4, 4), expected(s, s));
}

TEST(ResizeBilinear, DownsampleEveryMode) {
  // 4x4 -> 2x2. None: source 0, 2. Align corners: 0, 3. Half pixel: .5, 2.5.
  expect_values(bilinear(kNone, 4, 4, 2, 2), expected({0, 2}, {0, 2}));
  expect_values(bilinear(kAlign, 4, 4, 2, 2), expected({0, 3}, {0, 3}));
  expect_values(bilinear(kHalf, 4, 4, 2, 2), expected({.5f, 2.5f}, {.5f, 2.5f}));
}

TEST(ResizeBilinear, UnequalRatiosAndSinglePixelOutput) {
  // 5x7 -> 3x4 half pixel: H scale 5/3, W scale 7/4.
  std::vector<float> sy, sx;
  for (int d = 0; d < 3; ++d) sy.push_back((d + 0.5f) * (5.0f / 3) - 0.5f);
  for (int d = 0; d < 4; ++d) sx.push_back((d + 0.5f) * (7.0f / 4) - 0.5f);
  expect_values(bilinear(kHalf, 5, 7, 3, 4), expected(sy, sx));
  // align_corners with a 1-pixel output falls back to in/out scale: source 0.
  expect_values(bilinear(kAlign, 4, 4, 1, 1), {0});
}

TEST(ResizeBilinear, ChannelsAndBatchesAreIndependent) {
  auto in = buf<float>({2, 1, 2, 2}, {0, 100, 2, 300, 10, 0, 20, 0});
  auto out = out_buf<float>({2, 1, 3, 2});
  ASSERT_TRUE(ref::resize_bilinear(kAlign, in.view(), out.mut()).ok());
  expect_values(out.data, {0, 100, 1, 200, 2, 300, 10, 0, 15, 0, 20, 0});
}

TEST(ResizeNearest, IndicesForEachMode) {
  // 1 x 3 -> 1 x 4 along W. None: floor(d * .75) = 0,0,1,2. Align corners:
  // round(d * 2/3) = 0,1,1,2. Half pixel: floor((d + .5) * .75) = 0,1,1,2.
  expect_values(nearest(kNone, 1, 3, 1, 4), {0, 0, 1, 2});
  expect_values(nearest(kAlign, 1, 3, 1, 4), {0, 1, 1, 2});
  expect_values(nearest(kHalf, 1, 3, 1, 4), {0, 1, 1, 2});
  // 5 -> 2 along H (values 10 y). None: 0, 2. Align: 0, 4. Half: 1, 3.
  expect_values(nearest(kNone, 5, 1, 2, 1), {0, 20});
  expect_values(nearest(kAlign, 5, 1, 2, 1), {0, 40});
  expect_values(nearest(kHalf, 5, 1, 2, 1), {10, 30});
}

TEST(ResizeNearest, AlignCornersRoundsHalfAwayFromZero) {
  // 3 -> 5 with align corners: d * .5 = 0, .5, 1, 1.5, 2 -> 0, 1, 1, 2, 2.
  expect_values(nearest(kAlign, 1, 3, 1, 5), {0, 1, 1, 2, 2});
  // Upsampling 2 -> 4 without flags repeats pixels.
  expect_values(nearest(kNone, 2, 2, 4, 4), expected({0, 0, 1, 1}, {0, 0, 1, 1}));
}

Status infer_resize(OpType op, ResizeAttrs a, std::vector<int32_t> size, Shape* out = nullptr) {
  OpGraph g;
  Status s = g.infer(op, a,
                     {g.input(DType::kF32, {2, 5, 7, 3}),
                      g.constant<int32_t>({static_cast<int64_t>(size.size())}, size)});
  if (s.ok() && out) *out = g.out().shape;
  return s;
}

TEST(Resize, InferShapesAndErrors) {
  Shape out;
  ASSERT_TRUE(infer_resize(OpType::kResizeBilinear, kHalf, {8, 9}, &out).ok());
  EXPECT_EQ(out, Shape({2, 8, 9, 3}));
  ASSERT_TRUE(infer_resize(OpType::kResizeNearestNeighbor, kAlign, {1, 2}, &out).ok());
  EXPECT_EQ(out, Shape({2, 1, 2, 3}));
  EXPECT_FALSE(infer_resize(OpType::kResizeBilinear, kNone, {8}).ok());
  EXPECT_FALSE(infer_resize(OpType::kResizeBilinear, kNone, {8, 0}).ok());
  EXPECT_FALSE(infer_resize(OpType::kResizeNearestNeighbor, kNone, {-1, 4}).ok());
  EXPECT_FALSE(infer_resize(OpType::kResizeBilinear,
                            {.align_corners = true, .half_pixel_centers = true}, {8, 8})
                   .ok());
  OpGraph g;
  EXPECT_EQ(g.infer(OpType::kResizeBilinear, kNone,
                    {g.input(DType::kF32, {1, 4, 4, 1}), g.input(DType::kI32, {2})})
                .code(),
            StatusCode::kUnsupported);
}

}  // namespace
}  // namespace odin
