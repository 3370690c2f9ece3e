// STUB: to be implemented.
#include "ops/depth_space.h"

#include "ops/infer_context.h"

namespace odin {

Status infer_depth_to_space(InferContext& ctx) { return ctx.unsupported("not implemented"); }

Status infer_space_to_depth(InferContext& ctx) { return ctx.unsupported("not implemented"); }

}  // namespace odin
