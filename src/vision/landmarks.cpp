#include "vision/landmarks.h"

#include <cmath>

namespace odin {

std::vector<Point3> decode_landmarks(std::span<const float> raw, int num_landmarks,
                                     int tensor_width, int tensor_height, float normalize_z) {
  std::vector<Point3> out(static_cast<size_t>(num_landmarks));
  const size_t stride = raw.size() / static_cast<size_t>(num_landmarks);
  const float w = static_cast<float>(tensor_width), h = static_cast<float>(tensor_height);
  for (size_t i = 0; i < out.size(); ++i) {
    const float* p = raw.data() + i * stride;
    out[i] = {p[0] / w, p[1] / h, stride > 2 ? p[2] / w / normalize_z : 0.0f};
  }
  return out;
}

void project_landmarks(std::span<Point3> landmarks, const RotatedRect& roi) {
  const float c = std::cos(roi.rotation), s = std::sin(roi.rotation);
  for (Point3& l : landmarks) {
    const float x = l.x - 0.5f, y = l.y - 0.5f;
    l = {(c * x - s * y) * roi.width + roi.x_center, (s * x + c * y) * roi.height + roi.y_center,
         l.z * roi.width};
  }
}

}  // namespace odin
