// STUB: to be implemented.
#include "ops/depthwise_conv2d.h"

#include "ops/infer_context.h"

namespace odin {

Status infer_depthwise_conv2d(InferContext& ctx) { return ctx.unsupported("not implemented"); }

}  // namespace odin
