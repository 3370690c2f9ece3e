// PRELU: x >= 0 ? x : alpha * x, alpha broadcast against x.
#pragma once

#include "ops/common.h"
#include "core/status.h"

namespace odin {

class InferContext;

Status infer_prelu(InferContext& ctx);

}  // namespace odin
