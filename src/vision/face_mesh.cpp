#include "vision/face_mesh.h"

#include <cmath>
#include <utility>

namespace odin {
namespace {

// The landmark stage of mediapipe/modules/face_landmark/face_landmark_front_cpu.pbtxt.
LandmarkStageConfig face_landmark_stage() {
  LandmarkStageConfig c;
  // face_detection_front_detection_to_roi.pbtxt: rotation from the two eyes
  // (keypoints 0 and 1) to 0 degrees, squared to the long side, scaled 1.5.
  c.roi.rotation_start_keypoint = 0;
  c.roi.rotation_end_keypoint = 1;
  c.roi.target_angle_degrees = 0.0f;
  c.roi.scale_x = c.roi.scale_y = 1.5f;
  c.roi.square_long = true;
  // face_landmark_cpu.pbtxt: 192x192, no letterbox (keep_aspect_ratio
  // unset), range [0, 1], border_mode unset (BORDER_REPLICATE,
  // mediapipe/calculators/tensor/image_to_tensor_utils.cc).
  c.tensor.width = c.tensor.height = 192;
  c.tensor.range_min = 0.0f;
  c.tensor.range_max = 1.0f;
  c.tensor.keep_aspect_ratio = false;
  c.tensor.border = BorderMode::kReplicate;
  // tensors_to_face_landmarks.pbtxt: 468 landmarks, normalize_z unset (1.0,
  // tensors_to_landmarks_calculator.proto).
  c.num_landmarks = 468;
  c.normalize_z = 1.0f;
  // face_landmark_cpu.pbtxt: the face flag through a SIGMOID, kept if > 0.5
  // (strict, mediapipe/calculators/util/thresholding_calculator.cc).
  c.presence_output = 1;
  c.presence_is_logit = true;
  c.presence_threshold = 0.5f;
  // face_landmark_front_cpu.pbtxt: AssociationNormRectCalculator
  // min_similarity_threshold.
  c.association_min_similarity = 0.5f;
  c.output_elements = {468 * 3, 1};
  c.role = "face landmark model";
  return c;
}

}  // namespace

Result<FaceMeshPipeline> FaceMeshPipeline::create(const std::string& detector_path,
                                                  const std::string& landmark_path) {
  // face_landmark_front_cpu.pbtxt runs FaceDetectionShortRangeCpu.
  ODIN_ASSIGN_OR_RETURN(
      SsdDetector detector,
      SsdDetector::create(detector_path, face_detector_config(FaceRange::kShort)));
  ODIN_ASSIGN_OR_RETURN(LandmarkStage landmarks,
                        LandmarkStage::create(landmark_path, face_landmark_stage()));
  return FaceMeshPipeline(std::move(detector), std::move(landmarks));
}

Result<std::vector<FaceLandmarks>> FaceMeshPipeline::run(const Image& image) {
  ODIN_ASSIGN_OR_RETURN(std::vector<Detection> faces, detector_.detect(image));
  ODIN_ASSIGN_OR_RETURN(std::vector<LandmarkCrop> crops, landmarks_.run(image, faces));
  std::vector<FaceLandmarks> out;
  for (LandmarkCrop& c : crops) {
    FaceLandmarks face;
    face.score = faces[c.detection].score;
    face.box = detection_to_pixels(faces[c.detection], image.width, image.height).box;
    face.roi = c.roi;
    face.presence = c.presence;
    face.landmarks = std::move(c.landmarks);
    out.push_back(std::move(face));
  }
  return out;
}

Result<std::vector<FaceLandmarks>> face_mesh(const Image& image,
                                             const ModelResolver& resolve_model) {
  ODIN_ASSIGN_OR_RETURN(std::string detector,
                        resolve_model(face_detector_config(FaceRange::kShort).model));
  ODIN_ASSIGN_OR_RETURN(std::string landmarks, resolve_model(kFaceLandmarkModel));
  ODIN_ASSIGN_OR_RETURN(FaceMeshPipeline pipeline, FaceMeshPipeline::create(detector, landmarks));
  return pipeline.run(image);
}

}  // namespace odin
