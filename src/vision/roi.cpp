#include "vision/roi.h"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace odin {

RotatedRect detection_to_roi(const Detection& d, int image_width, int image_height,
                             const RoiOptions& o) {
  const float W = static_cast<float>(image_width), H = static_cast<float>(image_height);
  RotatedRect r;
  r.x_center = d.box.xmin + d.box.width / 2;
  r.y_center = d.box.ymin + d.box.height / 2;
  r.width = d.box.width;
  r.height = d.box.height;

  // Rotation that turns the start->end keypoint vector to the target angle,
  // measured in pixels so non-square images do not skew it.
  const Point2 start = d.keypoints.at(static_cast<size_t>(o.rotation_start_keypoint));
  const Point2 end = d.keypoints.at(static_cast<size_t>(o.rotation_end_keypoint));
  const float target = static_cast<float>(std::numbers::pi * o.target_angle_degrees / 180.0);
  r.rotation =
      normalize_radians(target - std::atan2(-(end.y - start.y) * H, (end.x - start.x) * W));

  // Shift along the rect's own axes (in pixels when rotated).
  if (r.rotation == 0.0f) {
    r.x_center += r.width * o.shift_x;
    r.y_center += r.height * o.shift_y;
  } else {
    const float c = std::cos(r.rotation), s = std::sin(r.rotation);
    const float sx = W * r.width * o.shift_x, sy = H * r.height * o.shift_y;
    r.x_center += (sx * c - sy * s) / W;
    r.y_center += (sx * s + sy * c) / H;
  }
  if (o.square_long) {
    const float long_side = std::max(r.width * W, r.height * H);
    r.width = long_side / W;
    r.height = long_side / H;
  }
  r.width *= o.scale_x;
  r.height *= o.scale_y;
  return r;
}

std::vector<size_t> associate_rois(const std::vector<RotatedRect>& rects, float min_similarity) {
  auto box_of = [](const RotatedRect& r) {
    return Box{r.x_center - r.width / 2, r.y_center - r.height / 2, r.width, r.height};
  };
  std::vector<size_t> kept;
  for (size_t i = 0; i < rects.size(); ++i) {
    const Box b = box_of(rects[i]);
    std::erase_if(kept, [&](size_t k) { return box_iou(box_of(rects[k]), b) > min_similarity; });
    kept.push_back(i);
  }
  return kept;
}

RotatedRect to_pixels(const RotatedRect& n, int image_width, int image_height) {
  const float W = static_cast<float>(image_width), H = static_cast<float>(image_height);
  return {n.x_center * W, n.y_center * H, n.width * W, n.height * H, n.rotation};
}

}  // namespace odin
