#include "vision/detection_decoder.h"

#include <algorithm>
#include <cmath>

namespace odin {

std::vector<Detection> decode_detections(std::span<const float> raw_boxes,
                                         std::span<const float> raw_scores,
                                         std::span<const Anchor> anchors,
                                         const DetectionDecoderOptions& o) {
  std::vector<Detection> out;
  const size_t n = std::min({static_cast<size_t>(o.num_boxes), anchors.size(), raw_scores.size(),
                             raw_boxes.size() / static_cast<size_t>(std::max(1, o.num_coords))});
  const bool xy = o.reverse_output_order;
  for (size_t i = 0; i < n; ++i) {
    // Score first: most anchors fall below the threshold and need no decoding.
    float score = raw_scores[i];
    if (o.score_clipping_thresh > 0)
      score = std::clamp(score, -o.score_clipping_thresh, o.score_clipping_thresh);
    if (o.sigmoid_score) score = 1.0f / (1.0f + std::exp(-score));
    // Written so a NaN score is dropped too (MediaPipe's `score < min` keeps it).
    if (!(score >= o.min_score_thresh)) continue;

    const float* raw = raw_boxes.data() + i * static_cast<size_t>(o.num_coords);
    const Anchor& a = anchors[i];
    const float* b = raw + o.box_coord_offset;
    const float x_center = (xy ? b[0] : b[1]) / o.x_scale * a.width + a.x_center;
    const float y_center = (xy ? b[1] : b[0]) / o.y_scale * a.height + a.y_center;
    const float w = (xy ? b[2] : b[3]) / o.w_scale * a.width;
    const float h = (xy ? b[3] : b[2]) / o.h_scale * a.height;
    const float xmin = x_center - w / 2, ymin = y_center - h / 2;
    const float xmax = x_center + w / 2, ymax = y_center + h / 2;
    // The calculator drops boxes with negative (or NaN) size.
    if (!(xmax - xmin >= 0) || !(ymax - ymin >= 0)) continue;

    Detection d;
    d.score = score;
    d.box = {xmin, ymin, xmax - xmin, ymax - ymin};
    d.keypoints.resize(static_cast<size_t>(o.num_keypoints));
    for (int k = 0; k < o.num_keypoints; ++k) {
      const float* kp = raw + o.keypoint_coord_offset + k * o.num_values_per_keypoint;
      d.keypoints[k].x = (xy ? kp[0] : kp[1]) / o.x_scale * a.width + a.x_center;
      d.keypoints[k].y = (xy ? kp[1] : kp[0]) / o.y_scale * a.height + a.y_center;
    }
    out.push_back(std::move(d));
  }
  return out;
}

}  // namespace odin
