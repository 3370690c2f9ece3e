// STUB: to be implemented.
#include "ops/slice.h"

#include "ops/infer_context.h"

namespace odin {

Status infer_slice(InferContext& ctx) { return ctx.unsupported("not implemented"); }

}  // namespace odin
