// How far a float output is from a wanted one: the largest absolute
// difference, where it is, and rel_range = max_abs / max |want| (as
// LiteRT.js's compare tool in the reference tools defines it; max_abs when
// want is all zeros). A NaN difference counts as infinite.
#pragma once

#include <cstddef>

namespace odin {

struct OutputDifference {
  double rel_range = 0, max_abs = 0;
  size_t worst = 0;  // index of the largest difference
};

OutputDifference output_difference(const float* want, const float* got, size_t n);

}  // namespace odin
