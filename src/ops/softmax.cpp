// STUB: to be implemented.
#include "ops/softmax.h"

#include "ops/infer_context.h"

namespace odin {

Status infer_softmax(InferContext& ctx) { return ctx.unsupported("not implemented"); }

}  // namespace odin
