// DEQUANTIZE: fp16 or affine int8/uint8 to float32.
#pragma once

#include "ops/common.h"
#include "core/status.h"

namespace odin {

class InferContext;

Status infer_dequantize(InferContext& ctx);

}  // namespace odin
