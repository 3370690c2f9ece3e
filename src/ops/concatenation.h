// CONCATENATION along one axis (negative axes allowed), fused activation.
#pragma once

#include "core/status.h"
#include "ops/common.h"

namespace odin {

class InferContext;

struct ConcatenationAttrs {
  int32_t axis = 0;
  Activation activation = Activation::kNone;
};

Status infer_concatenation(InferContext& ctx);

}  // namespace odin
