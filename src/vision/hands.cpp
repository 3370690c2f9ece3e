#include "vision/hands.h"

#include <utility>

namespace odin {
namespace {

// The landmark stage of mediapipe/modules/hand_landmark/hand_landmark_tracking_cpu.pbtxt.
LandmarkStageConfig hand_landmark_stage() {
  LandmarkStageConfig c;
  // palm_detection_detection_to_roi.pbtxt: rotation from the wrist centre
  // (keypoint 0) to the middle finger MCP (keypoint 2) turned to 90
  // degrees, shifted up half a box, squared, x2.6.
  c.roi.rotation_start_keypoint = 0;
  c.roi.rotation_end_keypoint = 2;
  c.roi.target_angle_degrees = 90.0f;
  c.roi.shift_x = 0.0f;
  c.roi.shift_y = -0.5f;
  c.roi.scale_x = c.roi.scale_y = 2.6f;
  c.roi.square_long = true;
  // hand_landmark_cpu.pbtxt: 224x224, keep_aspect_ratio, range [0, 1],
  // border_mode unset (BORDER_REPLICATE,
  // mediapipe/calculators/tensor/image_to_tensor_utils.cc).
  c.tensor.width = c.tensor.height = 224;
  c.tensor.range_min = 0.0f;
  c.tensor.range_max = 1.0f;
  c.tensor.keep_aspect_ratio = true;
  c.tensor.border = BorderMode::kReplicate;
  // hand_landmark_cpu.pbtxt: 21 landmarks, normalize_z 0.4; the hand flag
  // kept if > 0.5 with no activation (the model outputs a probability).
  c.num_landmarks = 21;
  c.normalize_z = 0.4f;
  c.presence_output = 1;
  c.presence_is_logit = false;
  c.presence_threshold = 0.5f;
  // hand_landmark_tracking_cpu.pbtxt: AssociationNormRectCalculator
  // min_similarity_threshold.
  c.association_min_similarity = 0.5f;
  // Outputs: 0 landmarks, 1 hand flag, 2 handedness (3 world landmarks unused).
  c.output_elements = {21 * 3, 1, 1};
  c.role = "hand landmark model";
  return c;
}

}  // namespace

SsdDetectorConfig palm_detector_config(HandModel model) {
  SsdDetectorConfig c;
  // mediapipe/modules/palm_detection/palm_detection_model_loader.pbtxt:
  // complexity 0 = lite, 1 = full.
  c.model = model == HandModel::kLite ? "palm_detection_lite" : "palm_detection_full";
  c.role = model == HandModel::kLite ? "palm detector (lite)" : "palm detector (full)";
  // Everything else: mediapipe/modules/palm_detection/palm_detection_cpu.pbtxt
  c.tensor.width = c.tensor.height = 192;
  c.tensor.keep_aspect_ratio = true;
  c.tensor.range_min = 0.0f;
  c.tensor.range_max = 1.0f;
  c.tensor.border = BorderMode::kZero;
  c.anchors.input_width = c.anchors.input_height = 192;
  c.anchors.num_layers = 4;
  c.anchors.strides = {8, 16, 16, 16};
  c.anchors.min_scale = 0.1484375f;
  c.anchors.max_scale = 0.75f;
  c.anchors.anchor_offset_x = 0.5f;
  c.anchors.anchor_offset_y = 0.5f;
  c.anchors.aspect_ratios = {1.0f};
  c.anchors.fixed_anchor_size = true;
  // Not set in the graph: the proto default
  // (mediapipe/calculators/tflite/ssd_anchors_calculator.proto).
  c.anchors.interpolated_scale_aspect_ratio = 1.0f;
  c.decoder.num_boxes = 2016;
  c.decoder.num_coords = 18;
  c.decoder.box_coord_offset = 0;
  c.decoder.keypoint_coord_offset = 4;
  c.decoder.num_keypoints = 7;
  c.decoder.num_values_per_keypoint = 2;
  c.decoder.sigmoid_score = true;
  c.decoder.score_clipping_thresh = 100.0f;
  c.decoder.reverse_output_order = true;
  c.decoder.x_scale = c.decoder.y_scale = c.decoder.w_scale = c.decoder.h_scale = 192.0f;
  c.decoder.min_score_thresh = 0.5f;
  c.nms_min_suppression_threshold = 0.3f;  // IoU, WEIGHTED
  return c;
}

// mediapipe/modules/hand_landmark/hand_landmark_model_loader.pbtxt.
std::string hand_landmark_model(HandModel model) {
  return model == HandModel::kLite ? "hand_landmark_lite" : "hand_landmark_full";
}

const std::array<std::pair<int, int>, 21> kHandConnections = {{
    {0, 1},   {1, 2},   {2, 3},   {3, 4},             // thumb
    {0, 5},   {5, 6},   {6, 7},   {7, 8},             // index
    {5, 9},   {9, 10},  {10, 11}, {11, 12},           // middle
    {9, 13},  {13, 14}, {14, 15}, {15, 16},           // ring
    {13, 17}, {17, 18}, {18, 19}, {19, 20}, {0, 17},  // pinky, palm
}};

Result<HandPipeline> HandPipeline::create(const std::string& palm_path,
                                          const std::string& landmark_path, HandModel model) {
  ODIN_ASSIGN_OR_RETURN(SsdDetector palm,
                        SsdDetector::create(palm_path, palm_detector_config(model)));
  ODIN_ASSIGN_OR_RETURN(LandmarkStage landmarks,
                        LandmarkStage::create(landmark_path, hand_landmark_stage()));
  return HandPipeline(std::move(palm), std::move(landmarks));
}

Result<std::vector<Hand>> HandPipeline::run(const Image& image) {
  ODIN_ASSIGN_OR_RETURN(std::vector<Detection> palms, palm_.detect(image));
  // Binary classification (tensors_to_classification_calculator.cc): class
  // 0 scores raw, class 1 scores 1 - raw. The Tasks graph
  // (mediapipe/tasks/cc/vision/hand_landmarker/hand_landmarks_detector_graph.cc)
  // names class 0 "Right", which holds for an unmirrored image; the legacy
  // graph's handedness.txt says "Left" because it assumes a mirrored one.
  std::vector<float> handedness;  // raw, per kept crop
  auto read_handedness = [&](const ModelRunner& model, LandmarkCrop&) {
    handedness.push_back(model.output(2)[0]);
  };
  ODIN_ASSIGN_OR_RETURN(std::vector<LandmarkCrop> crops,
                        landmarks_.run(image, palms, read_handedness));
  std::vector<Hand> out;
  for (size_t k = 0; k < crops.size(); ++k) {
    LandmarkCrop& c = crops[k];
    Hand hand;
    const Detection palm = detection_to_pixels(palms[c.detection], image.width, image.height);
    hand.score = palm.score;
    hand.box = palm.box;
    hand.palm_keypoints = palm.keypoints;
    hand.roi = c.roi;
    hand.presence = c.presence;
    const float raw = handedness[k];
    hand.handedness = raw > 1.0f - raw ? Handedness::kRight : Handedness::kLeft;
    hand.handedness_score = raw > 1.0f - raw ? raw : 1.0f - raw;
    hand.landmarks = std::move(c.landmarks);
    out.push_back(std::move(hand));
  }
  return out;
}

Result<std::vector<Hand>> detect_hands(const Image& image, HandModel model,
                                       const ModelResolver& resolve_model) {
  ODIN_ASSIGN_OR_RETURN(std::string palm, resolve_model(palm_detector_config(model).model));
  ODIN_ASSIGN_OR_RETURN(std::string landmarks, resolve_model(hand_landmark_model(model)));
  ODIN_ASSIGN_OR_RETURN(HandPipeline pipeline, HandPipeline::create(palm, landmarks, model));
  return pipeline.run(image);
}

}  // namespace odin
