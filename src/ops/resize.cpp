// STUB: to be implemented.
#include "ops/resize.h"

#include "ops/infer_context.h"

namespace odin {

Status infer_resize(InferContext& ctx) { return ctx.unsupported("not implemented"); }

}  // namespace odin
