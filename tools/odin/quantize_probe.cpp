#include "quantize_probe.h"

#include <memory>

#include "cli_common.h"
#include "vision/face_detection.h"
#include "vision/face_mesh.h"
#include "vision/hands.h"

namespace odin::cli {
namespace {

FoundObject found(const Box& box, const auto& points) {
  FoundObject f{box, {}};
  for (const auto& p : points) f.points.push_back({p.x, p.y});
  return f;
}

}  // namespace

Result<PipelineSlot> pipeline_slot(const std::string& zoo_name) {
  using T = PipelineTask;
  struct Entry {
    const char* model;
    T task;
    bool landmark;
    const char* name;
  };
  static const Entry kSlots[] = {
      {"face_detection_short_range", T::kFacesShort, false, "faces (short range), detector"},
      {"face_detection_full_range", T::kFacesFull, false, "faces (full range), detector"},
      {"face_detection_full_range_sparse", T::kFacesFull, false, "faces (full range), detector"},
      {"face_landmark", T::kFaceMesh, true, "face-mesh, landmark model"},
      {"palm_detection_lite", T::kHandsLite, false, "hands (lite), palm detector"},
      {"palm_detection_full", T::kHandsFull, false, "hands (full), palm detector"},
      {"hand_landmark_lite", T::kHandsLite, true, "hands (lite), landmark model"},
      {"hand_landmark_full", T::kHandsFull, true, "hands (full), landmark model"},
  };
  for (const Entry& e : kSlots)
    if (zoo_name == e.model) return PipelineSlot{e.task, e.landmark, e.name};
  return make_error(StatusCode::kInvalidArgument, "'", zoo_name,
                    "' is not a model of the faces, face-mesh or hands pipelines; name its "
                    "pipeline slot with --pipeline (see odin quantize --help)");
}

Result<PipelineProbe> make_pipeline_probe(const PipelineSlot& slot, const std::string& model_path) {
  using T = PipelineTask;
  if (slot.task == T::kFacesShort || slot.task == T::kFacesFull) {
    const FaceRange range = slot.task == T::kFacesShort ? FaceRange::kShort : FaceRange::kFull;
    ODIN_ASSIGN_OR_RETURN(FaceDetector d, FaceDetector::create(model_path, range));
    auto detector = std::make_shared<FaceDetector>(std::move(d));
    return PipelineProbe([detector](const Image& img) -> Result<std::vector<FoundObject>> {
      ODIN_ASSIGN_OR_RETURN(std::vector<Detection> faces, detector->detect(img));
      std::vector<FoundObject> out;
      for (const Detection& f : faces) out.push_back(found(f.box, f.keypoints));
      return out;
    });
  }
  if (slot.task == T::kFaceMesh) {
    ODIN_ASSIGN_OR_RETURN(std::string detector,
                          resolve_or_fetch_model(face_detector_config(FaceRange::kShort).model));
    ODIN_ASSIGN_OR_RETURN(FaceMeshPipeline p, FaceMeshPipeline::create(detector, model_path));
    auto pipeline = std::make_shared<FaceMeshPipeline>(std::move(p));
    return PipelineProbe([pipeline](const Image& img) -> Result<std::vector<FoundObject>> {
      ODIN_ASSIGN_OR_RETURN(std::vector<FaceLandmarks> faces, pipeline->run(img));
      std::vector<FoundObject> out;
      for (const FaceLandmarks& f : faces) out.push_back(found(f.box, f.landmarks));
      return out;
    });
  }
  const HandModel model = slot.task == T::kHandsLite ? HandModel::kLite : HandModel::kFull;
  std::string palm = model_path, landmark = model_path;
  if (slot.landmark) {
    ODIN_ASSIGN_OR_RETURN(palm, resolve_or_fetch_model(palm_detector_config(model).model));
  } else {
    ODIN_ASSIGN_OR_RETURN(landmark, resolve_or_fetch_model(hand_landmark_model(model)));
  }
  ODIN_ASSIGN_OR_RETURN(HandPipeline p, HandPipeline::create(palm, landmark, model));
  auto pipeline = std::make_shared<HandPipeline>(std::move(p));
  return PipelineProbe([pipeline](const Image& img) -> Result<std::vector<FoundObject>> {
    ODIN_ASSIGN_OR_RETURN(std::vector<Hand> hands, pipeline->run(img));
    std::vector<FoundObject> out;
    for (const Hand& h : hands) {
      // The palm box and the 21 hand landmarks (the palm keypoints before them).
      FoundObject f = found(h.box, h.palm_keypoints);
      for (const Point3& p : h.landmarks) f.points.push_back({p.x, p.y});
      out.push_back(std::move(f));
    }
    return out;
  });
}

}  // namespace odin::cli
