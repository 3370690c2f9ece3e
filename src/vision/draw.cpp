#include "vision/draw.h"

#include <algorithm>
#include <cmath>

namespace odin {
namespace {

void put(Image& image, int x, int y, Rgb c) {
  uint8_t* p = image.rgb.data() + (static_cast<size_t>(y) * image.width + x) * 3;
  p[0] = c.r;
  p[1] = c.g;
  p[2] = c.b;
}

// Pixel-bounded area around [x0,x1]x[y0,y1], clipped to the image.
struct Span {
  int x0, y0, x1, y1;
};
Span clip(const Image& image, float x0, float y0, float x1, float y1) {
  return {std::max(0, static_cast<int>(std::floor(x0))),
          std::max(0, static_cast<int>(std::floor(y0))),
          std::min(image.width - 1, static_cast<int>(std::ceil(x1))),
          std::min(image.height - 1, static_cast<int>(std::ceil(y1)))};
}

}  // namespace

void draw_line(Image& image, Point2 a, Point2 b, Rgb color, float thickness) {
  if (!std::isfinite(a.x) || !std::isfinite(a.y) || !std::isfinite(b.x) || !std::isfinite(b.y))
    return;
  // Fill every pixel whose centre is within thickness/2 of the segment.
  const float r = std::max(0.5f, thickness / 2);
  const Span s = clip(image, std::min(a.x, b.x) - r, std::min(a.y, b.y) - r, std::max(a.x, b.x) + r,
                      std::max(a.y, b.y) + r);
  const float dx = b.x - a.x, dy = b.y - a.y;
  const float len2 = dx * dx + dy * dy;
  for (int y = s.y0; y <= s.y1; ++y) {
    for (int x = s.x0; x <= s.x1; ++x) {
      const float px = x - a.x, py = y - a.y;
      const float t = len2 > 0 ? std::clamp((px * dx + py * dy) / len2, 0.0f, 1.0f) : 0.0f;
      const float ex = px - t * dx, ey = py - t * dy;
      if (ex * ex + ey * ey <= r * r) put(image, x, y, color);
    }
  }
}

void fill_circle(Image& image, Point2 c, float radius, Rgb color) {
  if (!std::isfinite(c.x) || !std::isfinite(c.y)) return;
  const Span s = clip(image, c.x - radius, c.y - radius, c.x + radius, c.y + radius);
  for (int y = s.y0; y <= s.y1; ++y)
    for (int x = s.x0; x <= s.x1; ++x)
      if ((x - c.x) * (x - c.x) + (y - c.y) * (y - c.y) <= radius * radius) put(image, x, y, color);
}

void draw_rect(Image& image, const Box& box, Rgb color, float thickness) {
  const Point2 corners[4] = {{box.xmin, box.ymin},
                             {box.xmin + box.width, box.ymin},
                             {box.xmin + box.width, box.ymin + box.height},
                             {box.xmin, box.ymin + box.height}};
  draw_polygon(image, corners, 4, color, thickness);
}

void draw_polygon(Image& image, const Point2* corners, int count, Rgb color, float thickness) {
  for (int i = 0; i < count; ++i)
    draw_line(image, corners[i], corners[(i + 1) % count], color, thickness);
}

}  // namespace odin
