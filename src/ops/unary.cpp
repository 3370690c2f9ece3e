// STUB: to be implemented.
#include "ops/unary.h"

#include "ops/infer_context.h"

namespace odin {

Status infer_unary(InferContext& ctx) { return ctx.unsupported("not implemented"); }

}  // namespace odin
