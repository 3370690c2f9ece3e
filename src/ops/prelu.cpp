// STUB: to be implemented.
#include "ops/prelu.h"

#include "ops/infer_context.h"

namespace odin {

Status infer_prelu(InferContext& ctx) { return ctx.unsupported("not implemented"); }

}  // namespace odin
