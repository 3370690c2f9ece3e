// STUB: to be implemented.
#include "ops/squeeze.h"

#include "ops/infer_context.h"

namespace odin {

Status infer_squeeze(InferContext& ctx) { return ctx.unsupported("not implemented"); }

}  // namespace odin
