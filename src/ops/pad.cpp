// STUB: to be implemented.
#include "ops/pad.h"

#include "ops/infer_context.h"

namespace odin {

Status infer_pad(InferContext& ctx) { return ctx.unsupported("not implemented"); }

}  // namespace odin
