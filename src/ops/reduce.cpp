// STUB: to be implemented.
#include "ops/reduce.h"

#include "ops/infer_context.h"

namespace odin {

Status infer_reduce(InferContext& ctx) { return ctx.unsupported("not implemented"); }

}  // namespace odin
