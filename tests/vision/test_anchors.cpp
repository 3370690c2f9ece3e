// SSD anchors per model: counts and first/last anchors as MediaPipe's
// SsdAnchorsCalculator gives them.
#include <gtest/gtest.h>

#include <cmath>

#include "vision/face_detection.h"
#include "vision/hands.h"
#include "vision/ssd_anchors.h"

namespace odin {
namespace {

void expect_anchor(const Anchor& a, float x, float y) {
  EXPECT_FLOAT_EQ(a.x_center, x);
  EXPECT_FLOAT_EQ(a.y_center, y);
  EXPECT_FLOAT_EQ(a.width, 1.0f);  // fixed_anchor_size
  EXPECT_FLOAT_EQ(a.height, 1.0f);
}

TEST(SsdAnchors, FaceShortRange) {
  // 16x16 cells x 2 anchors (stride 8) + 8x8 cells x 6 anchors (3 x stride 16).
  const auto anchors = generate_ssd_anchors(face_detector_config(FaceRange::kShort).anchors);
  ASSERT_EQ(anchors.size(), 896u);
  expect_anchor(anchors.front(), 0.5f / 16, 0.5f / 16);
  expect_anchor(anchors[1], 0.5f / 16, 0.5f / 16);  // the interpolated one, same centre
  expect_anchor(anchors[2], 1.5f / 16, 0.5f / 16);
  expect_anchor(anchors[512], 0.5f / 8, 0.5f / 8);  // first of the 16-stride layers
  expect_anchor(anchors.back(), 7.5f / 8, 7.5f / 8);
}

TEST(SsdAnchors, FaceFullRange) {
  // One 48x48 layer (stride 4), no interpolated anchor.
  const auto anchors = generate_ssd_anchors(face_detector_config(FaceRange::kFull).anchors);
  ASSERT_EQ(anchors.size(), 2304u);
  expect_anchor(anchors.front(), 0.5f / 48, 0.5f / 48);
  expect_anchor(anchors[1], 1.5f / 48, 0.5f / 48);
  expect_anchor(anchors.back(), 47.5f / 48, 47.5f / 48);
}

TEST(SsdAnchors, PalmDetection) {
  for (HandModel m : {HandModel::kLite, HandModel::kFull}) {
    // 24x24 x 2 + 12x12 x 6.
    const auto anchors = generate_ssd_anchors(palm_detector_config(m).anchors);
    ASSERT_EQ(anchors.size(), 2016u);
    expect_anchor(anchors.front(), 0.5f / 24, 0.5f / 24);
    expect_anchor(anchors[1152], 0.5f / 12, 0.5f / 12);
    expect_anchor(anchors.back(), 11.5f / 12, 11.5f / 12);
  }
}

TEST(SsdAnchors, ScalesWhenNotFixed) {
  SsdAnchorOptions o = face_detector_config(FaceRange::kShort).anchors;
  o.fixed_anchor_size = false;
  const auto anchors = generate_ssd_anchors(o);
  ASSERT_EQ(anchors.size(), 896u);
  // Layer 0: scale = min_scale; interpolated = sqrt(scale0 * scale1).
  const float s0 = 0.1484375f, s1 = 0.1484375f + (0.75f - 0.1484375f) / 3;
  EXPECT_FLOAT_EQ(anchors[0].width, s0);
  EXPECT_FLOAT_EQ(anchors[0].height, s0);
  EXPECT_FLOAT_EQ(anchors[1].width, std::sqrt(s0 * s1));
  // The last layer's interpolated anchor pairs max_scale with 1.0.
  EXPECT_FLOAT_EQ(anchors.back().width, std::sqrt(0.75f * 1.0f));
}

}  // namespace
}  // namespace odin
