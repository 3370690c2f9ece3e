// STUB: to be implemented.
#include "ops/fully_connected.h"

#include "ops/infer_context.h"

namespace odin {

Status infer_fully_connected(InferContext& ctx) { return ctx.unsupported("not implemented"); }

}  // namespace odin
