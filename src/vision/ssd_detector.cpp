#include "vision/ssd_detector.h"

#include <utility>

#include "vision/letterbox.h"
#include "vision/nms.h"

namespace odin {

Result<SsdDetector> SsdDetector::create(const std::string& model_path,
                                        const SsdDetectorConfig& config) {
  const DetectionDecoderOptions& d = config.decoder;
  ModelRequirements needs{config.role,
                          {1, config.tensor.height, config.tensor.width, 3},
                          {int64_t{d.num_boxes} * d.num_coords, d.num_boxes}};
  ODIN_ASSIGN_OR_RETURN(ModelRunner runner, ModelRunner::load(model_path, needs));
  SsdDetector detector;
  detector.config_ = config;
  detector.anchors_ = generate_ssd_anchors(config.anchors);
  if (detector.anchors_.size() != static_cast<size_t>(d.num_boxes))
    return make_error(StatusCode::kInternal, config.role, ": ", detector.anchors_.size(),
                      " anchors for ", d.num_boxes, " boxes");
  detector.runner_ = std::move(runner);
  detector.input_.resize(static_cast<size_t>(config.tensor.width) * config.tensor.height * 3);
  return detector;
}

Result<std::vector<Detection>> SsdDetector::detect(const Image& image, float min_score) {
  const LetterboxPadding padding =
      crop_to_tensor(image, whole_image_roi(image), config_.tensor, input_);
  ODIN_RETURN_IF_ERROR(runner_.run(input_));
  DetectionDecoderOptions decoder = config_.decoder;
  if (min_score >= 0) decoder.min_score_thresh = min_score;
  std::vector<Detection> detections =
      decode_detections(runner_.output(0), runner_.output(1), anchors_, decoder);
  detections = weighted_nms(std::move(detections), config_.nms_min_suppression_threshold);
  // For a whole-image ROI, DetectionProjectionCalculator and
  // DetectionLetterboxRemovalCalculator are the same mapping.
  remove_letterbox(detections, padding);
  return detections;
}

Detection detection_to_pixels(Detection d, int image_width, int image_height) {
  const float W = static_cast<float>(image_width), H = static_cast<float>(image_height);
  d.box = {d.box.xmin * W, d.box.ymin * H, d.box.width * W, d.box.height * H};
  for (Point2& k : d.keypoints) k = {k.x * W, k.y * H};
  return d;
}

}  // namespace odin
