// STUB: to be implemented.
#include "ops/transpose_conv.h"

#include "ops/infer_context.h"

namespace odin {

Status infer_transpose_conv(InferContext& ctx) { return ctx.unsupported("not implemented"); }

Status infer_convolution2d_transpose_bias(InferContext& ctx) { return ctx.unsupported("not implemented"); }

}  // namespace odin
