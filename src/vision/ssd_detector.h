// An SSD detector model with MediaPipe's pre- and post-processing: whole
// image letterboxed into the tensor, anchors, decoding, weighted NMS,
// letterbox removal. Used for faces and palms.
#pragma once

#include <string>
#include <vector>

#include "vision/detection.h"
#include "vision/detection_decoder.h"
#include "vision/image.h"
#include "vision/model_runner.h"
#include "vision/roi_crop.h"
#include "vision/ssd_anchors.h"

namespace odin {

struct SsdDetectorConfig {
  std::string model;  // zoo name
  std::string role;   // for messages
  TensorSpec tensor;
  SsdAnchorOptions anchors;
  DetectionDecoderOptions decoder;
  float nms_min_suppression_threshold = 0.3f;
};

class SsdDetector {
 public:
  static Result<SsdDetector> create(const std::string& model_path, const SsdDetectorConfig& config);

  // Detections normalised to the image, best first. min_score < 0 uses the
  // config's threshold.
  Result<std::vector<Detection>> detect(const Image& image, float min_score = -1);

  const SsdDetectorConfig& config() const { return config_; }
  const std::vector<Anchor>& anchors() const { return anchors_; }

 private:
  SsdDetectorConfig config_;
  std::vector<Anchor> anchors_;
  ModelRunner runner_;
  std::vector<float> input_;
};

// Normalised -> pixel coordinates.
Detection detection_to_pixels(Detection d, int image_width, int image_height);

}  // namespace odin
