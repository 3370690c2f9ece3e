// BATCH_MATMUL: batched matrix product with broadcast batch dims and optional adjoints.
#pragma once

#include "core/status.h"
#include "ops/common.h"

namespace odin {

class InferContext;

struct BatchMatMulAttrs {
  bool adj_x = false;
  bool adj_y = false;
};

Status infer_batch_matmul(InferContext& ctx);

}  // namespace odin
