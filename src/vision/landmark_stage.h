// The landmark stage both landmark pipelines share (face mesh, hands): for
// each detection, its rotated ROI (MediaPipe's DetectionsToRects +
// RectTransformation), overlapping ROIs dropped (AssociationNormRect), the
// ROI cropped into the landmark model's tensor, the model run, and the
// landmarks decoded, letterbox removed and projected back to the image in
// pixels. What differs between pipelines is data: LandmarkStageConfig.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "vision/image.h"
#include "vision/model_runner.h"
#include "vision/roi.h"
#include "vision/roi_crop.h"

namespace odin {

struct LandmarkStageConfig {
  RoiOptions roi;
  TensorSpec tensor;
  int num_landmarks = 0;
  float normalize_z = 1.0f;
  // Presence: output `presence_output`, through a sigmoid when it holds a
  // logit; a crop is kept when presence > presence_threshold (strict).
  size_t presence_output = 1;
  bool presence_is_logit = false;
  float presence_threshold = 0.5f;
  float association_min_similarity = 0.5f;
  // The model's outputs that are used: landmarks first (element counts),
  // for the load-time check.
  std::vector<int64_t> output_elements;
  std::string role;  // "face landmark model", for messages
};

struct LandmarkCrop {
  size_t detection = 0;  // index into the detections given to run()
  RotatedRect roi;       // the crop, pixels
  float presence = 0;
  std::vector<Point3> landmarks;  // pixels; z = MediaPipe's z x image width
};

class LandmarkStage {
 public:
  static Result<LandmarkStage> create(const std::string& model_path, LandmarkStageConfig config);
  // Kept crops in detection order. `on_kept`, when given, reads further
  // outputs of the model for each kept crop (e.g. handedness).
  using OnKept = std::function<void(const ModelRunner& model, LandmarkCrop& crop)>;
  Result<std::vector<LandmarkCrop>> run(const Image& image,
                                        const std::vector<Detection>& detections,
                                        const OnKept& on_kept = {});

 private:
  LandmarkStage(LandmarkStageConfig config, ModelRunner model)
      : config_(std::move(config)), model_(std::move(model)) {}
  LandmarkStageConfig config_;
  ModelRunner model_;
  std::vector<float> input_;
};

}  // namespace odin
