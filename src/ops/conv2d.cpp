// STUB: to be implemented.
#include "ops/conv2d.h"

#include "ops/infer_context.h"

namespace odin {

Status infer_conv2d(InferContext& ctx) { return ctx.unsupported("not implemented"); }

}  // namespace odin
