// TRANSPOSE_CONV (inputs: output_shape, OHWI filter, input, optional bias) and
// MediaPipe's custom Convolution2DTransposeBias (inputs: input, filter, bias).
#pragma once

#include "core/status.h"
#include "ops/common.h"

namespace odin {

class InferContext;

struct TransposeConvAttrs {
  Padding padding = Padding::kValid;
  int32_t stride_h = 1, stride_w = 1;
  Activation activation = Activation::kNone;
};

Status infer_transpose_conv(InferContext& ctx);
Status infer_convolution2d_transpose_bias(InferContext& ctx);

}  // namespace odin
