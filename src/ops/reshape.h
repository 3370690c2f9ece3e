// RESHAPE: new shape from the constant second input, else from the options; one -1 allowed.
#pragma once

#include <cstdint>
#include <vector>

#include "core/status.h"
#include "ops/common.h"

namespace odin {

class InferContext;

struct ReshapeAttrs {
  std::vector<int32_t> new_shape;  // from ReshapeOptions; used when input 1 is absent
  bool has_new_shape = false;
};

Status infer_reshape(InferContext& ctx);

}  // namespace odin
