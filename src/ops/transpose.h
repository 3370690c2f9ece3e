// TRANSPOSE by a constant permutation input.
#pragma once

#include "core/status.h"
#include "ops/common.h"

namespace odin {

class InferContext;

Status infer_transpose(InferContext& ctx);

}  // namespace odin
