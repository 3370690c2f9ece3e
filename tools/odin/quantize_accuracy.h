// How far an int8 model's results are from its float original: what its
// pipeline finds on each photo (detections matched by IoU, landmark error
// as a share of the photo's diagonal) and each output's error on the
// tensors the pipeline fed the model.
#pragma once

#include <string>
#include <vector>

#include "quantize_probe.h"

namespace odin::cli {

// The targets of issue 11: the same detections, IoU >= 0.9, landmarks
// within 1.5 % of the image diagonal.
inline constexpr double kMinIoU = 0.9;
inline constexpr double kMaxLandmarkErrorPercent = 1.5;

struct PipelineAccuracy {
  size_t images = 0;
  size_t float_objects = 0, int8_objects = 0, matched = 0;
  double min_iou = 1.0, mean_iou = 0.0;
  // Per matched object: mean point distance / diagonal x 100; the worst and the mean.
  double max_point_error_percent = 0.0, mean_point_error_percent = 0.0;
  bool same_detections() const { return matched == float_objects && matched == int8_objects; }
  bool meets_targets() const {
    return same_detections() && min_iou >= kMinIoU &&
           max_point_error_percent <= kMaxLandmarkErrorPercent;
  }
  // Adds one photo's objects (float model's, int8 model's).
  void add(const std::vector<FoundObject>& f, const std::vector<FoundObject>& q, int width,
           int height);
  void finish();

 private:
  double iou_sum_ = 0, point_error_sum_ = 0;
};

struct OutputError {
  std::string name;
  double max_abs = 0, rms = 0;
  double float_range = 0;  // max - min of the float output over the samples
};

}  // namespace odin::cli
