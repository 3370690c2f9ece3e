// STUB: to be implemented.
#include "ops/batch_matmul.h"

#include "ops/infer_context.h"

namespace odin {

Status infer_batch_matmul(InferContext& ctx) { return ctx.unsupported("not implemented"); }

}  // namespace odin
