// STUB: to be implemented.
#include "ops/gather.h"

#include "ops/infer_context.h"

namespace odin {

Status infer_gather(InferContext& ctx) { return ctx.unsupported("not implemented"); }

}  // namespace odin
