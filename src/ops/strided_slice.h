// STRIDED_SLICE with begin/end/strides constant inputs and TFLite's masks.
#pragma once

#include "core/status.h"
#include "ops/common.h"

namespace odin {

class InferContext;

struct StridedSliceAttrs {
  int32_t begin_mask = 0, end_mask = 0, ellipsis_mask = 0, new_axis_mask = 0, shrink_axis_mask = 0;
  bool offset = false;  // end is relative to begin
};

Status infer_strided_slice(InferContext& ctx);

}  // namespace odin
