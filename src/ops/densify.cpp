// STUB: to be implemented.
#include "ops/densify.h"

#include "ops/infer_context.h"

namespace odin {

Status infer_densify(InferContext& ctx) { return ctx.unsupported("not implemented"); }

}  // namespace odin
