// Hands: palm detection -> rotated hand ROI -> 21 hand landmarks and
// handedness, as MediaPipe's HandLandmarkTrackingCpu graph on a single image
// (no tracking between frames).
#pragma once

#include <array>
#include <string>
#include <utility>
#include <vector>

#include "vision/image.h"
#include "vision/landmark_stage.h"
#include "vision/ssd_detector.h"

namespace odin {

enum class HandModel { kLite, kFull };  // model_complexity 0 / 1 (MediaPipe's default)
enum class Handedness { kLeft, kRight };

// MediaPipe's palm detector configuration (constants cited in the .cpp).
SsdDetectorConfig palm_detector_config(HandModel model);
// Zoo name of the hand landmark model.
std::string hand_landmark_model(HandModel model);

struct Hand {
  float score = 0;                     // palm detection score
  Box box;                             // palm box, pixels
  std::vector<Point2> palm_keypoints;  // 7, pixels
  RotatedRect roi;                     // crop fed to the landmark model, pixels
  float presence = 0;                  // hand flag
  // For an ordinary (not mirrored) photo: the Tasks API labels.
  Handedness handedness = Handedness::kLeft;
  float handedness_score = 0;
  std::vector<Point3> landmarks;  // 21, pixels; z = MediaPipe's z x image width
};

class HandPipeline {
 public:
  static Result<HandPipeline> create(const std::string& palm_path, const std::string& landmark_path,
                                     HandModel model);
  // Hands whose presence is > 0.5, in detection order.
  Result<std::vector<Hand>> run(const Image& image);

 private:
  HandPipeline(SsdDetector palm, LandmarkStage landmarks)
      : palm_(std::move(palm)), landmarks_(std::move(landmarks)) {}
  SsdDetector palm_;
  LandmarkStage landmarks_;
};

Result<std::vector<Hand>> detect_hands(const Image& image, HandModel model,
                                       const ModelResolver& resolve_model);

// MediaPipe's 21-point hand skeleton (HAND_CONNECTIONS in
// mediapipe/python/solutions/hands_connections.py).
extern const std::array<std::pair<int, int>, 21> kHandConnections;

}  // namespace odin
