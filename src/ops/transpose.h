// TRANSPOSE by a constant permutation input.
#pragma once

#include "ops/common.h"
#include "core/status.h"

namespace odin {

class InferContext;

Status infer_transpose(InferContext& ctx);

}  // namespace odin
