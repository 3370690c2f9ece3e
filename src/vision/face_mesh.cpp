#include "vision/face_mesh.h"

#include <cmath>
#include <utility>

#include "vision/landmarks.h"
#include "vision/roi.h"
#include "vision/roi_crop.h"

namespace odin {
namespace {

// mediapipe/modules/face_landmark/face_detection_front_detection_to_roi.pbtxt:
// rotation from the two eyes (keypoints 0 and 1) to 0 degrees, squared to
// the long side, scaled 1.5.
RoiOptions face_roi_options() {
  RoiOptions o;
  o.rotation_start_keypoint = 0;
  o.rotation_end_keypoint = 1;
  o.target_angle_degrees = 0.0f;
  o.scale_x = o.scale_y = 1.5f;
  o.square_long = true;
  return o;
}

// mediapipe/modules/face_landmark/face_landmark_cpu.pbtxt: 192x192, no
// letterbox (keep_aspect_ratio unset), range [0, 1], border_mode unset
// (BORDER_REPLICATE, mediapipe/calculators/tensor/image_to_tensor_utils.cc).
TensorSpec face_landmark_tensor() {
  TensorSpec t;
  t.width = t.height = 192;
  t.range_min = 0.0f;
  t.range_max = 1.0f;
  t.keep_aspect_ratio = false;
  t.border = BorderMode::kReplicate;
  return t;
}

// mediapipe/modules/face_landmark/tensors_to_face_landmarks.pbtxt: 468
// landmarks, normalize_z unset (1.0, tensors_to_landmarks_calculator.proto).
constexpr int kNumLandmarks = 468;
constexpr float kNormalizeZ = 1.0f;
// face_landmark_cpu.pbtxt: face flag through a SIGMOID, kept if > 0.5
// (strict, mediapipe/calculators/util/thresholding_calculator.cc).
constexpr float kPresenceThreshold = 0.5f;
// face_landmark_front_cpu.pbtxt: AssociationNormRectCalculator
// min_similarity_threshold.
constexpr float kAssociationMinSimilarity = 0.5f;

}  // namespace

Result<FaceMeshPipeline> FaceMeshPipeline::create(const std::string& detector_path,
                                                  const std::string& landmark_path) {
  // face_landmark_front_cpu.pbtxt runs FaceDetectionShortRangeCpu.
  ODIN_ASSIGN_OR_RETURN(
      SsdDetector detector,
      SsdDetector::create(detector_path, face_detector_config(FaceRange::kShort)));
  const TensorSpec t = face_landmark_tensor();
  ModelRequirements needs{"face landmark model", {1, t.height, t.width, 3}, {kNumLandmarks * 3, 1}};
  ODIN_ASSIGN_OR_RETURN(ModelRunner landmarks, ModelRunner::load(landmark_path, needs));
  FaceMeshPipeline p(std::move(detector), std::move(landmarks));
  p.input_.resize(static_cast<size_t>(t.width) * t.height * 3);
  return p;
}

Result<std::vector<FaceLandmarks>> FaceMeshPipeline::run(const Image& image) {
  ODIN_ASSIGN_OR_RETURN(std::vector<Detection> faces, detector_.detect(image));
  const float W = static_cast<float>(image.width), H = static_cast<float>(image.height);
  std::vector<RotatedRect> rois;
  for (const Detection& f : faces)
    rois.push_back(detection_to_roi(f, image.width, image.height, face_roi_options()));
  const TensorSpec spec = face_landmark_tensor();
  std::vector<FaceLandmarks> out;
  for (size_t i : associate_rois(rois, kAssociationMinSimilarity)) {
    FaceLandmarks face;
    face.score = faces[i].score;
    face.box = detection_to_pixels(faces[i], image.width, image.height).box;
    face.roi = to_pixels(rois[i], image.width, image.height);
    crop_to_tensor(image, face.roi, spec, input_);
    ODIN_RETURN_IF_ERROR(landmarks_.run(input_));
    face.presence = 1.0f / (1.0f + std::exp(-landmarks_.output(1)[0]));
    if (!(face.presence > kPresenceThreshold)) continue;
    face.landmarks =
        decode_landmarks(landmarks_.output(0), kNumLandmarks, spec.width, spec.height, kNormalizeZ);
    project_landmarks(face.landmarks, rois[i]);
    for (Point3& l : face.landmarks) l = {l.x * W, l.y * H, l.z * W};
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
