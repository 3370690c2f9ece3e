// ADD, SUB, MUL, DIV: elementwise with TFLite (numpy) broadcasting and a fused activation.
#pragma once

#include "ops/common.h"
#include "core/status.h"

namespace odin {

class InferContext;

struct BinaryAttrs {
  Activation activation = Activation::kNone;
};

Status infer_binary(InferContext& ctx);

}  // namespace odin
