// FULLY_CONNECTED: input flattened to [batch, K], weights [N, K], optional bias [N].
#pragma once

#include "core/status.h"
#include "ops/common.h"

namespace odin {

class InferContext;

struct FullyConnectedAttrs {
  Activation activation = Activation::kNone;
  bool keep_num_dims = false;
};

Status infer_fully_connected(InferContext& ctx);

}  // namespace odin
