// ADD, SUB, MUL, DIV: elementwise with TFLite (numpy) broadcasting and a fused activation.
#pragma once

#include "core/status.h"
#include "ops/common.h"

namespace odin {

class InferContext;

struct BinaryAttrs {
  Activation activation = Activation::kNone;
};

Status infer_binary(InferContext& ctx);

}  // namespace odin
