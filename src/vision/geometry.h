// Small geometry types shared by the vision pipelines. Coordinates are
// either normalised to an image ([0,1] across it) or in pixels; each function
// says which.
#pragma once

namespace odin {

struct Point2 {
  float x = 0, y = 0;
};

struct Point3 {
  float x = 0, y = 0, z = 0;
};

// Axis-aligned box: top-left corner and size.
struct Box {
  float xmin = 0, ymin = 0, width = 0, height = 0;
};

// A rotated rectangle (MediaPipe's Rect / NormalizedRect): centre, size and
// clockwise rotation in radians (image y points down).
struct RotatedRect {
  float x_center = 0, y_center = 0, width = 0, height = 0, rotation = 0;
};

// Intersection over union; 0 for disjoint boxes or an empty union
// (OverlapSimilarity in mediapipe/calculators/util/non_max_suppression_calculator.cc).
float box_iou(const Box& a, const Box& b);

// Maps an angle into [-pi, pi)
// (NormalizeRadians in mediapipe/calculators/util/detections_to_rects_calculator.cc).
float normalize_radians(float angle);

// The four corners of `r` in order top-left, top-right, bottom-right,
// bottom-left (before rotation).
void rect_corners(const RotatedRect& r, Point2 corners[4]);

}  // namespace odin
