// MEAN/SUM's input dims as runs, for kernels that walk a few (extent,
// stride) pairs: adjacent dims of one kind (kept or reduced) are contiguous
// in memory, so each run is one pair. A rank-5 input has at most 3 runs of
// either kind.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "core/shape.h"

namespace odin {

struct ReduceRuns {
  // Outermost first; element strides of the input. Dims of size 1 are left out.
  std::vector<int64_t> kept_dims, kept_strides, reduced_dims, reduced_strides;
  int64_t reduced_count = 1;  // elements summed per output element
};

// `axes` as MEAN/SUM take them: negative ones wrap, repeats count once
// (inference has checked the range; others are ignored).
ReduceRuns reduce_runs(const Shape& in, std::span<const int64_t> axes);

}  // namespace odin
