// GATHER axis/batch_dims resolution, shared by shape inference and the kernel.
#pragma once

#include <cstdint>

#include "core/attrs.h"
#include "core/shape.h"
#include "core/status.h"

namespace odin {

struct GatherPlan {
  int64_t axis = 0;        // normalized
  int64_t batch_dims = 0;  // normalized
  Shape out;               // params[:axis] + indices[batch_dims:] + params[axis+1:]
};

// Checks as tensorflow/lite/kernels/gather.cc does: axis in [-rank, rank);
// batch_dims negative counts from indices' rank; 0 <= batch_dims <= axis,
// batch_dims <= rank(indices), and the leading batch_dims dims agree.
Result<GatherPlan> plan_gather(const GatherAttrs& attrs, const Shape& params, const Shape& indices);

}  // namespace odin
