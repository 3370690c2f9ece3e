// Face mesh: short-range face detection -> rotated face ROI -> 468 face
// landmarks, as MediaPipe's FaceLandmarkFrontCpu graph on a single image
// (no tracking between frames).
#pragma once

#include <string>
#include <vector>

#include "vision/face_detection.h"
#include "vision/image.h"
#include "vision/landmark_stage.h"

namespace odin {

struct FaceLandmarks {
  float score = 0;                // face detection score
  Box box;                        // face detection box, pixels
  RotatedRect roi;                // crop fed to the landmark model, pixels
  float presence = 0;             // sigmoid of the face flag
  std::vector<Point3> landmarks;  // 468, pixels; z = MediaPipe's z x image width
};

class FaceMeshPipeline {
 public:
  static Result<FaceMeshPipeline> create(const std::string& detector_path,
                                         const std::string& landmark_path);
  // Faces whose presence is > 0.5, in detection order.
  Result<std::vector<FaceLandmarks>> run(const Image& image);

 private:
  FaceMeshPipeline(SsdDetector detector, LandmarkStage landmarks)
      : detector_(std::move(detector)), landmarks_(std::move(landmarks)) {}
  SsdDetector detector_;
  LandmarkStage landmarks_;
};

Result<std::vector<FaceLandmarks>> face_mesh(const Image& image,
                                             const ModelResolver& resolve_model);

// Zoo name of the face landmark model.
inline constexpr const char* kFaceLandmarkModel = "face_landmark";

}  // namespace odin
