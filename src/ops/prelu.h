// PRELU: x >= 0 ? x : alpha * x, alpha broadcast against x.
#pragma once

#include "core/status.h"
#include "ops/common.h"

namespace odin {

class InferContext;

Status infer_prelu(InferContext& ctx);

}  // namespace odin
