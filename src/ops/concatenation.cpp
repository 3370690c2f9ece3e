// STUB: to be implemented.
#include "ops/concatenation.h"

#include "ops/infer_context.h"

namespace odin {

Status infer_concatenation(InferContext& ctx) { return ctx.unsupported("not implemented"); }

}  // namespace odin
