// STUB: to be implemented.
#include "ops/transpose.h"

#include "ops/infer_context.h"

namespace odin {

Status infer_transpose(InferContext& ctx) { return ctx.unsupported("not implemented"); }

}  // namespace odin
