#include "vision/landmark_stage.h"

#include <cmath>
#include <utility>

#include "vision/landmarks.h"
#include "vision/letterbox.h"

namespace odin {

Result<LandmarkStage> LandmarkStage::create(const std::string& model_path,
                                            LandmarkStageConfig config) {
  const TensorSpec& t = config.tensor;
  const ModelRequirements needs{config.role, {1, t.height, t.width, 3}, config.output_elements};
  ODIN_ASSIGN_OR_RETURN(ModelRunner model, ModelRunner::load(model_path, needs));
  LandmarkStage stage(std::move(config), std::move(model));
  stage.input_.resize(static_cast<size_t>(t.width) * t.height * 3);
  return stage;
}

Result<std::vector<LandmarkCrop>> LandmarkStage::run(const Image& image,
                                                     const std::vector<Detection>& detections,
                                                     const OnKept& on_kept) {
  const LandmarkStageConfig& c = config_;
  std::vector<RotatedRect> rois;
  for (const Detection& d : detections)
    rois.push_back(detection_to_roi(d, image.width, image.height, c.roi));
  const float W = static_cast<float>(image.width), H = static_cast<float>(image.height);
  std::vector<LandmarkCrop> out;
  for (size_t i : associate_rois(rois, c.association_min_similarity)) {
    LandmarkCrop crop;
    crop.detection = i;
    crop.roi = to_pixels(rois[i], image.width, image.height);
    const LetterboxPadding padding = crop_to_tensor(image, crop.roi, c.tensor, input_);
    ODIN_RETURN_IF_ERROR(model_.run(input_));
    const float flag = model_.output(c.presence_output)[0];
    crop.presence = c.presence_is_logit ? 1.0f / (1.0f + std::exp(-flag)) : flag;
    if (!(crop.presence > c.presence_threshold)) continue;
    crop.landmarks = decode_landmarks(model_.output(0), c.num_landmarks, c.tensor.width,
                                      c.tensor.height, c.normalize_z);
    remove_letterbox(crop.landmarks, padding);
    project_landmarks(crop.landmarks, rois[i]);
    for (Point3& l : crop.landmarks) l = {l.x * W, l.y * H, l.z * W};
    if (on_kept) on_kept(model_, crop);
    out.push_back(std::move(crop));
  }
  return out;
}

}  // namespace odin
