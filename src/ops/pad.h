// PAD with zeros; paddings is a constant [rank, 2] int32/int64 input.
#pragma once

#include "core/status.h"
#include "ops/common.h"

namespace odin {

class InferContext;

Status infer_pad(InferContext& ctx);

}  // namespace odin
