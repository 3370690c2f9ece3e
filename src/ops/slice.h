// SLICE with constant begin and size inputs (size -1 means to the end).
#pragma once

#include "core/status.h"
#include "ops/common.h"

namespace odin {

class InferContext;

Status infer_slice(InferContext& ctx);

}  // namespace odin
