#include "vision/letterbox.h"

namespace odin {

RotatedRect pad_roi_to_aspect(const RotatedRect& roi, int tensor_width, int tensor_height,
                              LetterboxPadding* padding) {
  const float tensor_aspect = static_cast<float>(tensor_height) / static_cast<float>(tensor_width);
  const float roi_aspect = roi.height / roi.width;
  RotatedRect out = roi;
  *padding = {};
  if (tensor_aspect > roi_aspect) {
    out.height = roi.width * tensor_aspect;
    padding->top = padding->bottom = (1.0f - roi_aspect / tensor_aspect) / 2.0f;
  } else {
    out.width = roi.height / tensor_aspect;
    padding->left = padding->right = (1.0f - tensor_aspect / roi_aspect) / 2.0f;
  }
  return out;
}

void remove_letterbox(std::vector<Detection>& detections, const LetterboxPadding& p) {
  const float sx = 1.0f - p.left - p.right, sy = 1.0f - p.top - p.bottom;
  for (Detection& d : detections) {
    d.box = {(d.box.xmin - p.left) / sx, (d.box.ymin - p.top) / sy, d.box.width / sx,
             d.box.height / sy};
    for (Point2& k : d.keypoints) k = {(k.x - p.left) / sx, (k.y - p.top) / sy};
  }
}

void remove_letterbox(std::span<Point3> landmarks, const LetterboxPadding& p) {
  const float sx = 1.0f - p.left - p.right, sy = 1.0f - p.top - p.bottom;
  for (Point3& l : landmarks) l = {(l.x - p.left) / sx, (l.y - p.top) / sy, l.z / sx};
}

}  // namespace odin
