// Face detection (BlazeFace short and full range) on a whole image, as
// MediaPipe's FaceDetectionShortRangeCpu / FaceDetectionFullRangeCpu graphs.
#pragma once

#include <string>
#include <vector>

#include "vision/detection.h"
#include "vision/image.h"
#include "vision/model_runner.h"
#include "vision/ssd_detector.h"

namespace odin {

enum class FaceRange { kShort, kFull };

// MediaPipe's configuration for each range (constants cited in the .cpp).
SsdDetectorConfig face_detector_config(FaceRange range);

struct FaceDetectionOptions {
  FaceRange range = FaceRange::kShort;
  float min_score = -1;  // < 0: MediaPipe's threshold for the range
  int max_faces = 0;     // 0: no cap
};

// Faces in pixels of the image, best first. Keypoints in the model's order:
// eye, eye, nose tip, mouth, ear tragion, ear tragion (keypoint 0 is the eye
// on the image's left).
class FaceDetector {
 public:
  static Result<FaceDetector> create(const std::string& model_path, FaceRange range);
  Result<std::vector<Detection>> detect(const Image& image, float min_score = -1,
                                        int max_faces = 0);

 private:
  explicit FaceDetector(SsdDetector detector) : detector_(std::move(detector)) {}
  SsdDetector detector_;
};

// One-shot: resolves the model, loads it and detects.
Result<std::vector<Detection>> detect_faces(const Image& image, const FaceDetectionOptions& options,
                                            const ModelResolver& resolve_model);

}  // namespace odin
