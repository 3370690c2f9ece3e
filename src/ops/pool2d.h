// AVERAGE_POOL_2D and MAX_POOL_2D over NHWC; averages count only in-bounds pixels, as TFLite.
#pragma once

#include "core/status.h"
#include "ops/common.h"

namespace odin {

class InferContext;

struct Pool2DAttrs {
  Padding padding = Padding::kValid;
  int32_t stride_h = 1, stride_w = 1;
  int32_t filter_h = 1, filter_w = 1;
  Activation activation = Activation::kNone;
};

Status infer_pool2d(InferContext& ctx);

}  // namespace odin
