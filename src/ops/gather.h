// GATHER along an axis with int32/int64 indices (batch_dims supported).
#pragma once

#include "core/status.h"
#include "ops/common.h"

namespace odin {

class InferContext;

struct GatherAttrs {
  int32_t axis = 0;
  int32_t batch_dims = 0;
};

Status infer_gather(InferContext& ctx);

}  // namespace odin
