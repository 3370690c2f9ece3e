// STUB: to be implemented.
#include "ops/pool2d.h"

#include "ops/infer_context.h"

namespace odin {

Status infer_pool2d(InferContext& ctx) { return ctx.unsupported("not implemented"); }

}  // namespace odin
