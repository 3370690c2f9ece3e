// STUB: to be implemented.
#include "ops/dequantize.h"

#include "ops/infer_context.h"

namespace odin {

Status infer_dequantize(InferContext& ctx) { return ctx.unsupported("not implemented"); }

}  // namespace odin
