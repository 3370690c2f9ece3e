#include "ops/binary.h"

#include "ops/broadcast.h"
#include "ops/infer_context.h"

namespace odin {

Status infer_binary(InferContext& ctx) {
  ODIN_RETURN_IF_ERROR(ctx.expect_inputs(2, 2));
  ODIN_RETURN_IF_ERROR(ctx.expect_outputs(1));
  if (!std::holds_alternative<BinaryAttrs>(ctx.node().attrs))
    return ctx.fail("missing elementwise attributes");
  const Value& a = ctx.input(0);
  const Value& b = ctx.input(1);
  if (a.dtype != b.dtype)
    return ctx.fail("inputs have different dtypes: ", dtype_name(a.dtype), " and ",
                    dtype_name(b.dtype));
  if (a.dtype != DType::kF32 && a.dtype != DType::kI32)
    return ctx.unsupported("dtype ", dtype_name(a.dtype), " (float32 and int32 only)");
  const Activation act = ctx.attrs<BinaryAttrs>().activation;
  if (a.dtype == DType::kI32 && (act == Activation::kTanh || act == Activation::kSignBit))
    return ctx.unsupported("fused activation ", activation_name(act), " on int32");
  Shape out;
  if (!broadcast_shapes(a.shape, b.shape, &out))
    return ctx.fail("input shapes ", a.shape.str(), " and ", b.shape.str(), " do not broadcast");
  if (out.is_static() && out.num_elements() < 0)
    return ctx.fail("output shape ", out.str(), " is too large");
  ctx.set_output(0, a.dtype, std::move(out));
  return Status();
}

}  // namespace odin
