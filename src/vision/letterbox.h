// Letterboxing: growing an ROI to the tensor's aspect ratio (PadRoi in
// mediapipe/calculators/tensor/image_to_tensor_utils.cc) and undoing the
// padding on results (mediapipe/calculators/util/
// detection_letterbox_removal_calculator.cc and
// landmark_letterbox_removal_calculator.cc).
#pragma once

#include <span>
#include <vector>

#include "vision/detection.h"
#include "vision/geometry.h"

namespace odin {

// Fractions of the tensor's width (left, right) and height (top, bottom)
// that are padding.
struct LetterboxPadding {
  float left = 0, top = 0, right = 0, bottom = 0;
};

// Grows `roi` (pixels) to the tensor's aspect ratio, keeping its centre;
// `padding` receives the letterbox fractions.
RotatedRect pad_roi_to_aspect(const RotatedRect& roi, int tensor_width, int tensor_height,
                              LetterboxPadding* padding);

// Tensor-normalised -> ROI-normalised coordinates.
void remove_letterbox(std::vector<Detection>& detections, const LetterboxPadding& padding);
// Also scales z like x (z / (1 - left - right)).
void remove_letterbox(std::span<Point3> landmarks, const LetterboxPadding& padding);

}  // namespace odin
