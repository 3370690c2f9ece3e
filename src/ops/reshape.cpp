// STUB: to be implemented.
#include "ops/reshape.h"

#include "ops/infer_context.h"

namespace odin {

Status infer_reshape(InferContext& ctx) { return ctx.unsupported("not implemented"); }

}  // namespace odin
