// STRIDED_SLICE index arithmetic, shared by shape inference and the reference
// kernel so both agree on every axis.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "core/attrs.h"
#include "core/shape.h"
#include "core/status.h"

namespace odin {

// One axis of the "effective" input (the input with new axes inserted).
struct SliceAxis {
  int64_t in_dim = 0;   // index into the real input's dims; -1 for a new axis
  int64_t start = 0;    // first input index read
  int64_t stride = 1;   // step between reads
  int64_t count = 0;    // elements read; kDynamicDim when the dim is dynamic
  bool shrink = false;  // dropped from the output shape
};

struct StridedSlicePlan {
  std::vector<SliceAxis> axes;
  Shape out;  // counts of the non-shrunk axes
};

// Resolves masks, ellipsis, new axes, negative and out-of-range indices the
// way TFLite does (see strided_slice_logic.cc). `strides` may be empty
// (all 1). Errors are kInvalidArgument / kUnsupported with a bare message.
Result<StridedSlicePlan> plan_strided_slice(const StridedSliceAttrs& attrs, const Shape& in,
                                            std::span<const int64_t> begin,
                                            std::span<const int64_t> end,
                                            std::span<const int64_t> strides);

}  // namespace odin
