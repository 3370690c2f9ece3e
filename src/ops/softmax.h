// SOFTMAX over the last axis, with TFLite's beta.
#pragma once

#include "ops/common.h"
#include "core/status.h"

namespace odin {

class InferContext;

struct SoftmaxAttrs {
  float beta = 1.0f;
};

Status infer_softmax(InferContext& ctx);

}  // namespace odin
