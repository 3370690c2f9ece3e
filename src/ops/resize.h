// RESIZE_BILINEAR and RESIZE_NEAREST_NEIGHBOR; size is a constant int32 [2] input.
#pragma once

#include "core/status.h"
#include "ops/common.h"

namespace odin {

class InferContext;

struct ResizeAttrs {
  bool align_corners = false;
  bool half_pixel_centers = false;
};

Status infer_resize(InferContext& ctx);

}  // namespace odin
