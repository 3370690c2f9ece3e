// PAD with zeros; paddings is a constant [rank, 2] int32/int64 input.
#pragma once

#include "ops/common.h"
#include "core/status.h"

namespace odin {

class InferContext;

Status infer_pad(InferContext& ctx);

}  // namespace odin
