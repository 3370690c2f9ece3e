// SSD anchor generation: MediaPipe's SsdAnchorsCalculator (non-multiscale
// path), mediapipe/calculators/tflite/ssd_anchors_calculator.cc.
#pragma once

#include <vector>

namespace odin {

struct Anchor {
  float x_center = 0, y_center = 0, width = 0, height = 0;  // normalised
};

// Field names follow ssd_anchors_calculator.proto.
struct SsdAnchorOptions {
  int input_width = 0;
  int input_height = 0;
  float min_scale = 0;
  float max_scale = 0;
  float anchor_offset_x = 0.5f;
  float anchor_offset_y = 0.5f;
  int num_layers = 0;
  std::vector<int> strides;
  std::vector<float> aspect_ratios;
  // 0 turns the extra interpolated anchor off (proto default 1.0).
  float interpolated_scale_aspect_ratio = 1.0f;
  bool fixed_anchor_size = false;
};

// Anchors in MediaPipe's order: layer, row, column, then aspect ratio.
std::vector<Anchor> generate_ssd_anchors(const SsdAnchorOptions& options);

}  // namespace odin
