// MEAN and SUM over the axes given by a constant int32 input.
#pragma once

#include "core/status.h"
#include "ops/common.h"

namespace odin {

class InferContext;

struct ReduceAttrs {
  bool keep_dims = false;
};

Status infer_reduce(InferContext& ctx);

}  // namespace odin
