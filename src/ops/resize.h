// RESIZE_BILINEAR and RESIZE_NEAREST_NEIGHBOR; size is a constant int32 [2] input.
#pragma once

#include "ops/common.h"
#include "core/status.h"

namespace odin {

class InferContext;

struct ResizeAttrs {
  bool align_corners = false;
  bool half_pixel_centers = false;
};

Status infer_resize(InferContext& ctx);

}  // namespace odin
