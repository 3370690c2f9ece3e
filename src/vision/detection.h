// A detection from an SSD detector: score, box and keypoints.
#pragma once

#include <vector>

#include "vision/geometry.h"

namespace odin {

struct Detection {
  float score = 0;
  Box box;                        // normalised or pixels, as the producer says
  std::vector<Point2> keypoints;  // same space as `box`
};

}  // namespace odin
