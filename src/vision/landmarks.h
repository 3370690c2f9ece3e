// Landmark model outputs -> image coordinates: MediaPipe's
// TensorsToLandmarksCalculator (mediapipe/calculators/tensor/
// tensors_to_landmarks_calculator.cc) and LandmarkProjectionCalculator
// (mediapipe/calculators/util/landmark_projection_calculator.cc).
#pragma once

#include <span>
#include <vector>

#include "vision/geometry.h"

namespace odin {

// `raw` holds num_landmarks x values_per_landmark values (x, y, z first, in
// tensor pixels). Returns crop-normalised landmarks: x / tensor_width,
// y / tensor_height, z / tensor_width / normalize_z.
std::vector<Point3> decode_landmarks(std::span<const float> raw, int num_landmarks,
                                     int tensor_width, int tensor_height, float normalize_z);

// Crop-normalised -> image-normalised through the (normalised) ROI: rotate
// about the crop centre, scale by the ROI size, move to its centre; z scales
// with the ROI width.
void project_landmarks(std::span<Point3> landmarks, const RotatedRect& roi);

}  // namespace odin
