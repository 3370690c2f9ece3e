#include "vision/geometry.h"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace odin {

float box_iou(const Box& a, const Box& b) {
  const float ax2 = a.xmin + a.width, ay2 = a.ymin + a.height;
  const float bx2 = b.xmin + b.width, by2 = b.ymin + b.height;
  if (b.xmin > ax2 || bx2 < a.xmin || b.ymin > ay2 || by2 < a.ymin) return 0.0f;
  const float iw = std::min(ax2, bx2) - std::max(a.xmin, b.xmin);
  const float ih = std::min(ay2, by2) - std::max(a.ymin, b.ymin);
  const float intersection = iw * ih;
  const float union_area = a.width * a.height + b.width * b.height - intersection;
  return union_area > 0 ? intersection / union_area : 0.0f;
}

float normalize_radians(float angle) {
  constexpr double kTwoPi = 2 * std::numbers::pi;
  return static_cast<float>(angle - kTwoPi * std::floor((angle + std::numbers::pi) / kTwoPi));
}

void rect_corners(const RotatedRect& r, Point2 corners[4]) {
  const float c = std::cos(r.rotation), s = std::sin(r.rotation);
  const float dx[4] = {-0.5f, 0.5f, 0.5f, -0.5f};
  const float dy[4] = {-0.5f, -0.5f, 0.5f, 0.5f};
  for (int i = 0; i < 4; ++i) {
    const float x = dx[i] * r.width, y = dy[i] * r.height;
    corners[i] = {r.x_center + c * x - s * y, r.y_center + s * x + c * y};
  }
}

}  // namespace odin
