// Detection decoding (scales, anchors, sigmoid with clipping, min score,
// box order) and weighted NMS.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "vision/detection_decoder.h"
#include "vision/nms.h"

namespace odin {
namespace {

DetectionDecoderOptions two_keypoint_options() {
  DetectionDecoderOptions o;
  o.num_boxes = 2;
  o.num_coords = 8;
  o.box_coord_offset = 0;
  o.keypoint_coord_offset = 4;
  o.num_keypoints = 2;
  o.x_scale = o.y_scale = o.w_scale = o.h_scale = 100.0f;
  o.reverse_output_order = true;
  o.sigmoid_score = true;
  o.score_clipping_thresh = 100.0f;
  o.min_score_thresh = 0.5f;
  return o;
}

TEST(DecodeDetections, BoxesAndKeypointsFromAnchors) {
  const std::vector<Anchor> anchors = {{0.25f, 0.5f, 1, 1}, {0.75f, 0.5f, 0.5f, 0.5f}};
  // (x, y, w, h, kp0x, kp0y, kp1x, kp1y) offsets in 1/100 of the anchor size.
  const std::vector<float> boxes = {10, -20, 40, 20, 0,   0, 5,  5,  //
                                    0,  0,   20, 40, -10, 0, 10, 10};
  const std::vector<float> scores = {2.0f, 0.0f};  // sigmoid 0.88, 0.5 (kept: >= min)
  const auto d = decode_detections(boxes, scores, anchors, two_keypoint_options());
  ASSERT_EQ(d.size(), 2u);
  EXPECT_NEAR(d[0].score, 1.0f / (1.0f + std::exp(-2.0f)), 1e-6);
  EXPECT_NEAR(d[0].box.xmin, 0.25f + 0.10f - 0.20f, 1e-6);
  EXPECT_NEAR(d[0].box.ymin, 0.5f - 0.20f - 0.10f, 1e-6);
  EXPECT_NEAR(d[0].box.width, 0.4f, 1e-6);
  EXPECT_NEAR(d[0].box.height, 0.2f, 1e-6);
  EXPECT_NEAR(d[0].keypoints[1].x, 0.30f, 1e-6);
  EXPECT_NEAR(d[0].keypoints[1].y, 0.55f, 1e-6);
  // The second anchor is half size: offsets scale with it.
  EXPECT_NEAR(d[1].box.width, 0.1f, 1e-6);
  EXPECT_NEAR(d[1].box.height, 0.2f, 1e-6);
  EXPECT_NEAR(d[1].keypoints[0].x, 0.75f - 0.05f, 1e-6);
}

TEST(DecodeDetections, YxhwOrderWithoutReverse) {
  DetectionDecoderOptions o = two_keypoint_options();
  o.num_boxes = 1;
  o.reverse_output_order = false;
  const std::vector<Anchor> anchors = {{0.5f, 0.5f, 1, 1}};
  const std::vector<float> boxes = {10, 20, 30, 40, 1, 2, 3, 4};  // y, x, h, w; kp y, x
  const auto d = decode_detections(boxes, std::vector<float>{5.0f}, anchors, o);
  ASSERT_EQ(d.size(), 1u);
  EXPECT_NEAR(d[0].box.width, 0.4f, 1e-6);
  EXPECT_NEAR(d[0].box.height, 0.3f, 1e-6);
  EXPECT_NEAR(d[0].box.xmin, 0.5f + 0.2f - 0.2f, 1e-6);
  EXPECT_NEAR(d[0].keypoints[0].x, 0.52f, 1e-6);
  EXPECT_NEAR(d[0].keypoints[0].y, 0.51f, 1e-6);
}

TEST(DecodeDetections, ScoreClippingMinScoreAndNegativeSize) {
  DetectionDecoderOptions o = two_keypoint_options();
  o.num_boxes = 4;
  const std::vector<Anchor> anchors(4, Anchor{0.5f, 0.5f, 1, 1});
  std::vector<float> boxes(4 * 8, 0.0f);
  boxes[8 + 2] = -10;  // box 1: negative width -> dropped
  boxes[3] = 10;
  boxes[2 * 8 + 2] = 10;
  boxes[3 * 8 + 2] = 10;
  const std::vector<float> scores = {1e6f, 5.0f, -0.1f, NAN};
  o.score_clipping_thresh = 2.0f;  // 1e6 clips to 2 before the sigmoid
  const auto d = decode_detections(boxes, scores, anchors, o);
  ASSERT_EQ(d.size(), 1u);  // 1: negative width, 2: below 0.5, 3: NaN score
  EXPECT_NEAR(d[0].score, 1.0f / (1.0f + std::exp(-2.0f)), 1e-6);
}

Detection det(float score, float x, float y, float w, float h, float kx) {
  return {score, {x, y, w, h}, {{kx, kx}}};
}

TEST(WeightedNms, BlendsOverlappingByScore) {
  std::vector<Detection> in = {det(0.6f, 0.1f, 0.1f, 0.4f, 0.4f, 0.2f),
                               det(0.9f, 0.0f, 0.0f, 0.4f, 0.4f, 0.1f),
                               det(0.8f, 0.6f, 0.6f, 0.2f, 0.2f, 0.7f)};
  const auto out = weighted_nms(in, 0.3f);
  ASSERT_EQ(out.size(), 2u);
  // IoU(0 and 1) = 0.09 / 0.23 = 0.39 > 0.3: merged, score of the best.
  EXPECT_FLOAT_EQ(out[0].score, 0.9f);
  EXPECT_NEAR(out[0].box.xmin, (0.9f * 0.0f + 0.6f * 0.1f) / 1.5f, 1e-6);
  EXPECT_NEAR(out[0].box.width, (0.9f * 0.4f + 0.6f * 0.5f) / 1.5f - out[0].box.xmin, 1e-6);
  EXPECT_NEAR(out[0].keypoints[0].x, (0.9f * 0.1f + 0.6f * 0.2f) / 1.5f, 1e-6);
  EXPECT_FLOAT_EQ(out[1].score, 0.8f);
  EXPECT_FLOAT_EQ(out[1].box.xmin, 0.6f);
}

TEST(WeightedNms, ThresholdIsStrictAndDisjointBoxesStay) {
  // IoU exactly 1/3 with a 1/3 threshold: not merged.
  std::vector<Detection> in = {det(0.9f, 0.0f, 0.0f, 2.0f, 1.0f, 0),
                               det(0.8f, 1.0f, 0.0f, 2.0f, 1.0f, 0)};
  EXPECT_EQ(weighted_nms(in, 1.0f / 3).size(), 2u);
  EXPECT_EQ(weighted_nms(in, 0.3f).size(), 1u);
  EXPECT_TRUE(weighted_nms({}, 0.3f).empty());
}

TEST(BoxIou, Values) {
  EXPECT_FLOAT_EQ(box_iou({0, 0, 1, 1}, {0, 0, 1, 1}), 1.0f);
  EXPECT_FLOAT_EQ(box_iou({0, 0, 1, 1}, {2, 2, 1, 1}), 0.0f);
  EXPECT_NEAR(box_iou({0, 0, 2, 1}, {1, 0, 2, 1}), 1.0f / 3, 1e-6);
  EXPECT_FLOAT_EQ(box_iou({0, 0, 0, 0}, {0, 0, 0, 0}), 0.0f);  // empty union
}

}  // namespace
}  // namespace odin
