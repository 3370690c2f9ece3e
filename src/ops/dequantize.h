// DEQUANTIZE: fp16 or affine int8/uint8 to float32.
#pragma once

#include "core/status.h"
#include "ops/common.h"

namespace odin {

class InferContext;

Status infer_dequantize(InferContext& ctx);

}  // namespace odin
