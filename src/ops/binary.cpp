// STUB: to be implemented.
#include "ops/binary.h"

#include "ops/infer_context.h"

namespace odin {

Status infer_binary(InferContext& ctx) { return ctx.unsupported("not implemented"); }

}  // namespace odin
