#include "vision/annotate.h"

#include <algorithm>

#include "vision/draw.h"

namespace odin {
namespace {

constexpr Rgb kBoxColor{0, 255, 0};
constexpr Rgb kRoiColor{255, 160, 0};
constexpr Rgb kMeshColor{0, 255, 255};
constexpr Rgb kBoneColor{255, 255, 255};
constexpr Rgb kJointColor{255, 0, 255};
constexpr Rgb kWristColor{255, 0, 0};
// One colour per face keypoint: eyes, nose tip, mouth, ears.
constexpr Rgb kFaceKeypointColors[] = {{255, 0, 0},   {0, 0, 255},   {255, 255, 0},
                                       {255, 0, 255}, {0, 255, 255}, {255, 128, 0}};

// About 2 px on a 900 px image, more on bigger ones.
float line_width(const Image& image) {
  return std::max(2.0f, 2.0f * std::max(image.width, image.height) / 900.0f);
}

void draw_roi(Image& image, const RotatedRect& roi, float width) {
  Point2 corners[4];
  rect_corners(roi, corners);
  draw_polygon(image, corners, 4, kRoiColor, width);
}

}  // namespace

void draw_faces(Image& image, const std::vector<Detection>& faces) {
  const float w = line_width(image);
  for (const Detection& f : faces) {
    draw_rect(image, f.box, kBoxColor, w);
    for (size_t k = 0; k < f.keypoints.size(); ++k)
      fill_circle(image, f.keypoints[k], 2.0f * w, kFaceKeypointColors[k % 6]);
  }
}

void draw_face_meshes(Image& image, const std::vector<FaceLandmarks>& faces) {
  const float w = line_width(image);
  for (const FaceLandmarks& f : faces) {
    draw_rect(image, f.box, kBoxColor, w);
    draw_roi(image, f.roi, w);
    for (const Point3& l : f.landmarks) fill_circle(image, {l.x, l.y}, 0.6f * w, kMeshColor);
  }
}

void draw_hands(Image& image, const std::vector<Hand>& hands) {
  const float w = line_width(image);
  for (const Hand& h : hands) {
    draw_rect(image, h.box, kBoxColor, w);
    draw_roi(image, h.roi, w);
    if (h.landmarks.size() != 21) continue;
    for (const auto& [a, b] : kHandConnections)
      draw_line(image, {h.landmarks[a].x, h.landmarks[a].y}, {h.landmarks[b].x, h.landmarks[b].y},
                kBoneColor, w);
    for (size_t i = 0; i < h.landmarks.size(); ++i)
      fill_circle(image, {h.landmarks[i].x, h.landmarks[i].y}, 1.5f * w,
                  i == 0 ? kWristColor : kJointColor);
  }
}

}  // namespace odin
