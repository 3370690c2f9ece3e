// STUB: to be implemented.
#include "ops/strided_slice.h"

#include "ops/infer_context.h"

namespace odin {

Status infer_strided_slice(InferContext& ctx) { return ctx.unsupported("not implemented"); }

}  // namespace odin
