// ROI math: rotation from keypoints, shift/square/scale, association,
// letterbox padding and its removal, landmark projection.
#include <gtest/gtest.h>

#include <cmath>
#include <numbers>
#include <vector>

#include "vision/landmarks.h"
#include "vision/letterbox.h"
#include "vision/roi.h"

namespace odin {
namespace {

constexpr float kPi = std::numbers::pi_v<float>;

Detection with_keypoints(Box box, Point2 a, Point2 b) {
  return {0.9f, box, {a, b}};
}

TEST(DetectionToRoi, HandPointingUpHasNoRotation) {
  // Wrist below the middle finger: the vector already points at 90 degrees.
  RoiOptions o;
  o.rotation_start_keypoint = 0;
  o.rotation_end_keypoint = 1;
  o.target_angle_degrees = 90;
  o.shift_y = -0.5f;
  o.scale_x = o.scale_y = 2.0f;
  o.square_long = true;
  const auto d = with_keypoints({0.4f, 0.4f, 0.2f, 0.1f}, {0.5f, 0.5f}, {0.5f, 0.4f});
  const RotatedRect r = detection_to_roi(d, 100, 100, o);
  EXPECT_NEAR(r.rotation, 0.0f, 1e-6);
  EXPECT_NEAR(r.x_center, 0.5f, 1e-6);
  EXPECT_NEAR(r.y_center, 0.45f - 0.05f, 1e-6);  // shifted up by half the height
  EXPECT_NEAR(r.width, 0.4f, 1e-6);              // squared to the long side, x2
  EXPECT_NEAR(r.height, 0.4f, 1e-6);
}

TEST(DetectionToRoi, RotationAndShiftAlongTheRect) {
  // Hand pointing right: 90 - 0 degrees = a quarter turn; the "up" shift
  // then moves along +x in the image.
  RoiOptions o;
  o.rotation_end_keypoint = 1;
  o.target_angle_degrees = 90;
  o.shift_y = -0.5f;
  const auto d = with_keypoints({0.4f, 0.4f, 0.2f, 0.2f}, {0.4f, 0.5f}, {0.6f, 0.5f});
  const RotatedRect r = detection_to_roi(d, 200, 100, o);
  EXPECT_NEAR(r.rotation, kPi / 2, 1e-6);
  // shift: (W*w*0*cos - H*h*(-0.5)*sin)/W = 100*0.2*0.5/200 = 0.05
  EXPECT_NEAR(r.x_center, 0.5f + 0.05f, 1e-6);
  EXPECT_NEAR(r.y_center, 0.5f, 1e-6);
}

TEST(DetectionToRoi, EyesLevelOnANonSquareImage) {
  // Face ROI: eyes at the same height; square_long in pixels makes the
  // normalised size differ on a 2:1 image.
  RoiOptions o;
  o.scale_x = o.scale_y = 1.5f;
  o.square_long = true;
  const auto d = with_keypoints({0.25f, 0.25f, 0.5f, 0.5f}, {0.4f, 0.4f}, {0.6f, 0.4f});
  const RotatedRect r = detection_to_roi(d, 200, 100, o);
  EXPECT_NEAR(r.rotation, 0.0f, 1e-6);
  EXPECT_NEAR(r.width, 0.75f, 1e-6);  // long side 100 px -> 0.5 of 200 px, x1.5
  EXPECT_NEAR(r.height, 1.5f, 1e-6);  // 100 px of 100 px, x1.5
  // Eyes tilted by 45 degrees in pixels (not in normalised units).
  const auto tilted = with_keypoints({0.25f, 0.25f, 0.5f, 0.5f}, {0.4f, 0.4f}, {0.5f, 0.6f});
  EXPECT_NEAR(detection_to_roi(tilted, 200, 100, o).rotation, kPi / 4, 1e-6);
}

TEST(NormalizeRadians, WrapsIntoMinusPiToPi) {
  EXPECT_NEAR(normalize_radians(3 * kPi / 2), -kPi / 2, 1e-6);
  EXPECT_NEAR(normalize_radians(-3 * kPi / 2), kPi / 2, 1e-6);
  EXPECT_NEAR(normalize_radians(0.5f), 0.5f, 1e-6);
}

TEST(AssociateRois, LaterRectReplacesOverlappingEarlier) {
  const std::vector<RotatedRect> rects = {
      {0.5f, 0.5f, 0.2f, 0.2f, 0}, {0.1f, 0.1f, 0.1f, 0.1f, 0}, {0.51f, 0.5f, 0.2f, 0.2f, 0}};
  EXPECT_EQ(associate_rois(rects, 0.5f), (std::vector<size_t>{1, 2}));
}

TEST(Letterbox, PadRoiAndRemoval) {
  LetterboxPadding p;
  // A 200x100 ROI into a square tensor: grows to 200x200, a quarter on top
  // and bottom is padding.
  const RotatedRect r = pad_roi_to_aspect({100, 50, 200, 100, 0}, 128, 128, &p);
  EXPECT_FLOAT_EQ(r.width, 200);
  EXPECT_FLOAT_EQ(r.height, 200);
  EXPECT_FLOAT_EQ(p.top, 0.25f);
  EXPECT_FLOAT_EQ(p.bottom, 0.25f);
  EXPECT_FLOAT_EQ(p.left, 0.0f);
  std::vector<Detection> d = {{1.0f, {0.25f, 0.25f, 0.5f, 0.5f}, {{0.5f, 0.75f}}}};
  remove_letterbox(d, p);
  EXPECT_FLOAT_EQ(d[0].box.ymin, 0.0f);
  EXPECT_FLOAT_EQ(d[0].box.height, 1.0f);
  EXPECT_FLOAT_EQ(d[0].box.xmin, 0.25f);
  EXPECT_FLOAT_EQ(d[0].keypoints[0].y, 1.0f);
  std::vector<Point3> l = {{0.5f, 0.5f, 0.2f}};
  remove_letterbox(std::span<Point3>(l), LetterboxPadding{0.1f, 0, 0.1f, 0});
  EXPECT_FLOAT_EQ(l[0].z, 0.25f);  // z scales like x
}

TEST(Landmarks, DecodeAndProjectThroughRotatedRoi) {
  const std::vector<float> raw = {96, 48, 19.2f, 0, 0, 0};  // two landmarks, tensor 192
  auto l = decode_landmarks(raw, 2, 192, 192, 0.5f);
  EXPECT_FLOAT_EQ(l[0].x, 0.5f);
  EXPECT_FLOAT_EQ(l[0].y, 0.25f);
  EXPECT_FLOAT_EQ(l[0].z, 0.2f);  // 19.2 / 192 / 0.5
  // A quarter turn: the crop's "up" (y = 0.25) maps to the image's +x.
  project_landmarks(l, {0.5f, 0.5f, 0.4f, 0.4f, kPi / 2});
  EXPECT_NEAR(l[0].x, 0.5f + 0.1f, 1e-6);
  EXPECT_NEAR(l[0].y, 0.5f, 1e-6);
  EXPECT_NEAR(l[0].z, 0.08f, 1e-6);
  EXPECT_NEAR(l[1].x, 0.5f + 0.2f, 1e-6);  // crop corner (0, 0)
  EXPECT_NEAR(l[1].y, 0.5f - 0.2f, 1e-6);
}

}  // namespace
}  // namespace odin
