// SLICE begin/size resolution, shared by shape inference and the kernel.
#pragma once

#include <cstdint>
#include <vector>

#include "core/shape.h"
#include "core/status.h"

namespace odin {

// Output shape of SLICE, as tensorflow/lite/kernels/slice.cc computes it:
// size -1 means "to the end of the dim"; otherwise 0 <= begin and
// begin + size <= dim. A dynamic input dim gives a dynamic output dim for
// size -1 and is otherwise trusted.
Result<Shape> slice_output_shape(const Shape& in, const std::vector<int64_t>& begin,
                                 const std::vector<int64_t>& size);

}  // namespace odin
