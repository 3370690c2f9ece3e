#include "bench/output_difference.h"

#include <algorithm>
#include <cmath>

namespace odin {

OutputDifference output_difference(const float* want, const float* got, size_t n) {
  OutputDifference d;
  double range = 0;
  for (size_t i = 0; i < n; ++i) {
    range = std::max(range, std::fabs(static_cast<double>(want[i])));
    const double diff = std::fabs(static_cast<double>(got[i]) - want[i]);
    if (diff > d.max_abs || std::isnan(diff)) {
      d.max_abs = std::isnan(diff) ? INFINITY : diff;
      d.worst = i;
      if (std::isnan(diff)) break;
    }
  }
  if (std::isinf(d.max_abs)) return {INFINITY, INFINITY, d.worst};
  d.rel_range = range > 0 ? d.max_abs / range : d.max_abs;
  return d;
}

}  // namespace odin
