// Elementwise unary ops: LOGISTIC, RELU, RELU_N1_TO_1, RELU6, TANH, HARD_SWISH, LEAKY_RELU, RSQRT,
// GELU.
#pragma once

#include "core/status.h"
#include "ops/common.h"

namespace odin {

class InferContext;

struct LeakyReluAttrs {
  float alpha = 0.2f;
};

struct GeluAttrs {
  bool approximate = false;  // tanh approximation instead of erf
};

Status infer_unary(InferContext& ctx);

}  // namespace odin
