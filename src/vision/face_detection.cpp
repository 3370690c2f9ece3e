#include "vision/face_detection.h"

#include <utility>

namespace odin {

SsdDetectorConfig face_detector_config(FaceRange range) {
  SsdDetectorConfig c;
  // Common subgraph: mediapipe/modules/face_detection/face_detection.pbtxt
  c.tensor.keep_aspect_ratio = true;
  c.tensor.range_min = -1.0f;  // output_tensor_float_range [-1, 1]
  c.tensor.range_max = 1.0f;
  c.tensor.border = BorderMode::kZero;  // border_mode: BORDER_ZERO
  c.anchors.min_scale = 0.1484375f;
  c.anchors.max_scale = 0.75f;
  c.anchors.anchor_offset_x = 0.5f;
  c.anchors.anchor_offset_y = 0.5f;
  c.anchors.aspect_ratios = {1.0f};
  c.anchors.fixed_anchor_size = true;
  c.decoder.num_coords = 16;
  c.decoder.box_coord_offset = 0;
  c.decoder.keypoint_coord_offset = 4;
  c.decoder.num_keypoints = 6;
  c.decoder.num_values_per_keypoint = 2;
  c.decoder.sigmoid_score = true;
  c.decoder.score_clipping_thresh = 100.0f;
  c.decoder.reverse_output_order = true;   // XYWH boxes
  c.nms_min_suppression_threshold = 0.3f;  // IoU, WEIGHTED

  if (range == FaceRange::kShort) {
    // mediapipe/modules/face_detection/face_detection_short_range.pbtxt
    c.model = "face_detection_short_range";
    c.role = "face detector (short range)";
    c.tensor.width = c.tensor.height = 128;
    c.anchors.num_layers = 4;
    c.anchors.strides = {8, 16, 16, 16};
    c.anchors.interpolated_scale_aspect_ratio = 1.0f;
    c.decoder.num_boxes = 896;
    c.decoder.x_scale = c.decoder.y_scale = c.decoder.w_scale = c.decoder.h_scale = 128.0f;
    c.decoder.min_score_thresh = 0.5f;
  } else {
    // mediapipe/modules/face_detection/face_detection_full_range.pbtxt; the
    // graph loads face_detection_full_range_sparse.tflite.
    c.model = "face_detection_full_range_sparse";
    c.role = "face detector (full range)";
    c.tensor.width = c.tensor.height = 192;
    c.anchors.num_layers = 1;
    c.anchors.strides = {4};
    c.anchors.interpolated_scale_aspect_ratio = 0.0f;  // no interpolated anchor
    c.decoder.num_boxes = 2304;
    c.decoder.x_scale = c.decoder.y_scale = c.decoder.w_scale = c.decoder.h_scale = 192.0f;
    c.decoder.min_score_thresh = 0.6f;
  }
  c.anchors.input_width = c.tensor.width;
  c.anchors.input_height = c.tensor.height;
  return c;
}

Result<FaceDetector> FaceDetector::create(const std::string& model_path, FaceRange range) {
  ODIN_ASSIGN_OR_RETURN(SsdDetector detector,
                        SsdDetector::create(model_path, face_detector_config(range)));
  return FaceDetector(std::move(detector));
}

Result<std::vector<Detection>> FaceDetector::detect(const Image& image, float min_score,
                                                    int max_faces) {
  ODIN_ASSIGN_OR_RETURN(std::vector<Detection> faces, detector_.detect(image, min_score));
  if (max_faces > 0 && faces.size() > static_cast<size_t>(max_faces))
    faces.resize(static_cast<size_t>(max_faces));
  for (Detection& f : faces) f = detection_to_pixels(std::move(f), image.width, image.height);
  return faces;
}

Result<std::vector<Detection>> detect_faces(const Image& image, const FaceDetectionOptions& options,
                                            const ModelResolver& resolve_model) {
  ODIN_ASSIGN_OR_RETURN(std::string path, resolve_model(face_detector_config(options.range).model));
  ODIN_ASSIGN_OR_RETURN(FaceDetector detector, FaceDetector::create(path, options.range));
  return detector.detect(image, options.min_score, options.max_faces);
}

}  // namespace odin
