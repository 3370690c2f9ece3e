// DENSIFY: a sparse constant (TFLite sparsity format) to its dense form.
#pragma once

#include "ops/common.h"
#include "core/status.h"

namespace odin {

class InferContext;

Status infer_densify(InferContext& ctx);

}  // namespace odin
