// Detection -> region of interest for a landmark model: MediaPipe's
// DetectionsToRectsCalculator (rotation from two keypoints,
// mediapipe/calculators/util/detections_to_rects_calculator.cc) followed by
// RectTransformationCalculator (shift, square, scale,
// mediapipe/calculators/util/rect_transformation_calculator.cc), and the
// de-duplication of overlapping ROIs (AssociationNormRectCalculator,
// mediapipe/calculators/util/association_norm_rect_calculator.cc).
#pragma once

#include <cstddef>
#include <vector>

#include "vision/detection.h"
#include "vision/geometry.h"

namespace odin {

struct RoiOptions {
  int rotation_start_keypoint = 0;
  int rotation_end_keypoint = 1;
  float target_angle_degrees = 0;  // rotation_vector_target_angle_degrees
  float shift_x = 0, shift_y = 0;  // fractions of the rect's size, along its axes
  float scale_x = 1, scale_y = 1;
  bool square_long = false;
};

// `detection` is normalised to an image of image_width x image_height
// pixels; the returned rect is normalised too (rotation in radians).
RotatedRect detection_to_roi(const Detection& detection, int image_width, int image_height,
                             const RoiOptions& options);

// On a single image with no previous frame: each later rect removes the
// earlier ones whose axis-aligned IoU with it is > min_similarity. Returns
// the indices of the kept rects in output order.
std::vector<size_t> associate_rois(const std::vector<RotatedRect>& rects, float min_similarity);

// Normalised -> pixels (rotation unchanged).
RotatedRect to_pixels(const RotatedRect& normalized, int image_width, int image_height);

}  // namespace odin
