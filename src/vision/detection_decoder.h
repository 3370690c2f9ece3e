// Raw SSD outputs -> detections: MediaPipe's TensorsToDetectionsCalculator
// (mediapipe/calculators/tensor/tensors_to_detections_calculator.cc).
#pragma once

#include <span>
#include <vector>

#include "vision/detection.h"
#include "vision/ssd_anchors.h"

namespace odin {

// Field names follow tensors_to_detections_calculator.proto (one class).
struct DetectionDecoderOptions {
  int num_boxes = 0;
  int num_coords = 0;
  int box_coord_offset = 0;
  int keypoint_coord_offset = 0;
  int num_keypoints = 0;
  int num_values_per_keypoint = 2;
  float x_scale = 1, y_scale = 1, w_scale = 1, h_scale = 1;
  bool reverse_output_order = false;  // true: boxes are (x, y, w, h), else (y, x, h, w)
  bool sigmoid_score = true;
  float score_clipping_thresh = 0;  // <= 0: no clipping
  float min_score_thresh = 0;
};

// `raw_boxes` holds num_boxes x num_coords values, `raw_scores` num_boxes.
// Returns the detections with score >= min_score_thresh (NaN dropped) and a non-negative
// size, in anchor order, normalised to the model input.
std::vector<Detection> decode_detections(std::span<const float> raw_boxes,
                                         std::span<const float> raw_scores,
                                         std::span<const Anchor> anchors,
                                         const DetectionDecoderOptions& options);

}  // namespace odin
