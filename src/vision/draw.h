// Minimal drawing on 8-bit RGB images, for annotated outputs: lines,
// circles, rectangles. Everything is clipped to the image.
#pragma once

#include <cstdint>

#include "vision/geometry.h"
#include "vision/image.h"

namespace odin {

struct Rgb {
  uint8_t r = 0, g = 0, b = 0;
};

// A line `thickness` pixels wide (round caps).
void draw_line(Image& image, Point2 a, Point2 b, Rgb color, float thickness);
void fill_circle(Image& image, Point2 center, float radius, Rgb color);
void draw_rect(Image& image, const Box& box, Rgb color, float thickness);
// Closed polygon through `corners` (e.g. a rotated rect's four corners).
void draw_polygon(Image& image, const Point2* corners, int count, Rgb color, float thickness);

}  // namespace odin
