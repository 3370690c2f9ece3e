// SLICE with constant begin and size inputs (size -1 means to the end).
#pragma once

#include "ops/common.h"
#include "core/status.h"

namespace odin {

class InferContext;

Status infer_slice(InferContext& ctx);

}  // namespace odin
