// Weighted non-maximum suppression ("blending"): MediaPipe's
// NonMaxSuppressionCalculator with algorithm WEIGHTED and overlap type
// INTERSECTION_OVER_UNION
// (mediapipe/calculators/util/non_max_suppression_calculator.cc).
#pragma once

#include <vector>

#include "vision/detection.h"

namespace odin {

// Repeatedly takes the highest-scoring detection, gathers every remaining
// detection whose IoU with it is > min_suppression_threshold (itself
// included), and outputs their score-weighted mean box and keypoints with
// the top score. Output is in descending score order.
std::vector<Detection> weighted_nms(std::vector<Detection> detections,
                                    float min_suppression_threshold);

}  // namespace odin
