// SQUEEZE: drops size-1 dims (all of them, or those listed; negative allowed).
#pragma once

#include <cstdint>
#include <vector>

#include "core/status.h"
#include "ops/common.h"

namespace odin {

class InferContext;

struct SqueezeAttrs {
  std::vector<int32_t> squeeze_dims;
};

Status infer_squeeze(InferContext& ctx);

}  // namespace odin
