// Rotated ROI crop (ImageToTensor semantics): identity, rotation, borders,
// value range, letterbox.
#include <gtest/gtest.h>

#include <cmath>
#include <numbers>
#include <vector>

#include "vision/roi_crop.h"

namespace odin {
namespace {

// A 4x4 image whose red channel is 10*x + y, green 100, blue 200.
Image ramp() {
  Image img;
  img.width = img.height = 4;
  for (int y = 0; y < 4; ++y)
    for (int x = 0; x < 4; ++x) img.rgb.insert(img.rgb.end(), {uint8_t(10 * x + y), 100, 200});
  return img;
}

TensorSpec spec(int size, float lo, float hi, BorderMode border, bool keep = false) {
  TensorSpec s;
  s.width = s.height = size;
  s.range_min = lo;
  s.range_max = hi;
  s.border = border;
  s.keep_aspect_ratio = keep;
  return s;
}

float red(const std::vector<float>& t, int size, int u, int v) {
  return t[(static_cast<size_t>(v) * size + u) * 3];
}

TEST(CropToTensor, WholeImageIsIdentityInLevels) {
  const Image img = ramp();
  std::vector<float> t(4 * 4 * 3);
  // Tensor pixel u samples x = centre + (u - 2): centre 2 gives x = u.
  crop_to_tensor(img, {2, 2, 4, 4, 0}, spec(4, 0, 255, BorderMode::kReplicate), t);
  for (int v = 0; v < 4; ++v)
    for (int u = 0; u < 4; ++u) EXPECT_FLOAT_EQ(red(t, 4, u, v), 10 * u + v) << u << "," << v;
  EXPECT_FLOAT_EQ(t[1], 100);
  EXPECT_FLOAT_EQ(t[2], 200);
}

TEST(CropToTensor, ValueRangeMinusOneToOne) {
  const Image img = ramp();
  std::vector<float> t(4 * 4 * 3);
  crop_to_tensor(img, {2, 2, 4, 4, 0}, spec(4, -1, 1, BorderMode::kReplicate), t);
  EXPECT_FLOAT_EQ(t[2], -1.0f + 200 * 2.0f / 255);
  EXPECT_FLOAT_EQ(red(t, 4, 0, 0), -1.0f);
}

TEST(CropToTensor, HalfTurnFlipsBothAxes) {
  const Image img = ramp();
  std::vector<float> t(4 * 4 * 3);
  // A half turn about (2, 2): u samples x = 4 - u, v samples y = 4 - v.
  crop_to_tensor(img, {2, 2, 4, 4, std::numbers::pi_v<float>},
                 spec(4, 0, 255, BorderMode::kReplicate), t);
  EXPECT_FLOAT_EQ(red(t, 4, 1, 1), 33);
  EXPECT_FLOAT_EQ(red(t, 4, 3, 2), 12);
  EXPECT_FLOAT_EQ(red(t, 4, 0, 0), 33);  // x = 4 is past the edge: replicated
}

TEST(CropToTensor, BorderZeroVersusReplicate) {
  const Image img = ramp();
  std::vector<float> zero(2 * 2 * 3), replicate(2 * 2 * 3);
  // A 2x2 crop far to the right of the image.
  const RotatedRect outside{20, 1, 2, 2, 0};
  crop_to_tensor(img, outside, spec(2, 0, 255, BorderMode::kZero), zero);
  crop_to_tensor(img, outside, spec(2, 0, 255, BorderMode::kReplicate), replicate);
  for (float v : zero) EXPECT_EQ(v, 0.0f);
  EXPECT_FLOAT_EQ(red(replicate, 2, 0, 0), 30);  // last column, row 0
  EXPECT_FLOAT_EQ(replicate[1], 100);
}

TEST(CropToTensor, KeepAspectRatioLetterboxes) {
  // A 4x2 image into a 4x4 tensor: rows 0 and 3 are padding (zero border).
  Image img;
  img.width = 4;
  img.height = 2;
  img.rgb.assign(4 * 2 * 3, 255);
  std::vector<float> t(4 * 4 * 3);
  const LetterboxPadding p =
      crop_to_tensor(img, whole_image_roi(img), spec(4, 0, 1, BorderMode::kZero, true), t);
  EXPECT_FLOAT_EQ(p.top, 0.25f);
  EXPECT_FLOAT_EQ(p.bottom, 0.25f);
  EXPECT_FLOAT_EQ(p.left, 0.0f);
  EXPECT_FLOAT_EQ(red(t, 4, 1, 0), 0.0f);  // samples y = -1.5: outside
  EXPECT_FLOAT_EQ(red(t, 4, 2, 2), 1.0f);  // inside
}

TEST(CropToTensor, SubpixelPositionsRoundToAThirtySecond) {
  // Two-pixel gradient 0 -> 255; a sample 1/64 px from the left pixel
  // rounds to 1/32 (half to even: 0.5/32 -> 0) as OpenCV's warp does.
  Image img;
  img.width = 2;
  img.height = 1;
  img.rgb = {0, 0, 0, 255, 255, 255};
  std::vector<float> t(3);
  TensorSpec s = spec(1, 0, 255, BorderMode::kReplicate);
  crop_to_tensor(img, {0.5f + 1.0f / 64, 0.5f, 1, 1, 0}, s, t);  // u=0 samples x = 1/64
  EXPECT_FLOAT_EQ(t[0], 0.0f);
  crop_to_tensor(img, {0.5f + 3.0f / 64, 0.5f, 1, 1, 0}, s, t);  // 3/64 -> 2/32 (even)
  EXPECT_FLOAT_EQ(t[0], std::floor(255.0f * 2 / 32 + 0.5f));
}

}  // namespace
}  // namespace odin
