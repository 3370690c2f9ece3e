// DEPTH_TO_SPACE and SPACE_TO_DEPTH (NHWC, TFLite's DCR order).
#pragma once

#include "core/status.h"
#include "ops/common.h"

namespace odin {

class InferContext;

struct BlockAttrs {
  int32_t block_size = 2;
};

Status infer_depth_to_space(InferContext& ctx);
Status infer_space_to_depth(InferContext& ctx);

}  // namespace odin
