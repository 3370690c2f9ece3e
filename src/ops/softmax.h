// SOFTMAX over the last axis, with TFLite's beta.
#pragma once

#include "core/status.h"
#include "ops/common.h"

namespace odin {

class InferContext;

struct SoftmaxAttrs {
  float beta = 1.0f;
};

Status infer_softmax(InferContext& ctx);

}  // namespace odin
