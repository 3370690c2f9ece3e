// DEPTHWISE_CONV_2D: NHWC input, 1HW(C*M) filter, optional bias.
#pragma once

#include "core/status.h"
#include "ops/common.h"

namespace odin {

class InferContext;

struct DepthwiseConv2DAttrs {
  Padding padding = Padding::kValid;
  int32_t stride_h = 1, stride_w = 1;
  int32_t dilation_h = 1, dilation_w = 1;
  int32_t depth_multiplier = 1;
  Activation activation = Activation::kNone;
};

Status infer_depthwise_conv2d(InferContext& ctx);

}  // namespace odin
