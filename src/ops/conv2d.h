// CONV_2D: NHWC input, OHWI filter, optional bias, fused activation.
#pragma once

#include "core/status.h"
#include "ops/common.h"

namespace odin {

class InferContext;

struct Conv2DAttrs {
  Padding padding = Padding::kValid;
  int32_t stride_h = 1, stride_w = 1;
  int32_t dilation_h = 1, dilation_w = 1;
  Activation activation = Activation::kNone;
};

Status infer_conv2d(InferContext& ctx);

}  // namespace odin
