// QUANTIZE shape inference: float32 -> int8/uint8/int16, or int8/uint8 ->
// int8/uint8 (a change of scale and zero point), per tensor. The output's
// dtype and table are the model's (the file declares them).
#include "ops/infer_context.h"
#include "ops/op_def.h"
#include "ops/quantized.h"

namespace odin {

static Status infer_quantize(InferContext& ctx) {
  ODIN_RETURN_IF_ERROR(ctx.expect_inputs(1, 1));
  ODIN_RETURN_IF_ERROR(ctx.expect_outputs(1));
  const Value& in = ctx.input(0);
  const DType out = ctx.output(0).dtype;
  if (in.dtype != DType::kF32 && !is_affine_dtype(in.dtype))
    return ctx.unsupported("QUANTIZE of ", dtype_name(in.dtype),
                           " (supported: float32, int8, uint8)");
  if (!is_affine_dtype(out) && !(out == DType::kI16 && in.dtype == DType::kF32))
    return ctx.unsupported("QUANTIZE to ", dtype_name(out), " (supported: int8, uint8",
                           in.dtype == DType::kF32 ? ", int16)" : ")");
  if (is_affine_dtype(in.dtype))
    ODIN_RETURN_IF_ERROR(check_quant_table(ctx, in, "input", 0, 0, false));
  ODIN_RETURN_IF_ERROR(check_quant_table(ctx, ctx.output(0), "output", 0, 0, false));
  ctx.set_output(0, out, in.shape);
  return Status();
}

namespace ref {
Status quantize_node(const KernelArgs& args);  // kernels/reference/quantize.cpp
}

ODIN_DEFINE_OP(kQuantize, .infer = infer_quantize, .reference = ref::quantize_node,
               .output_reuse = OutputReuse::kNone);

}  // namespace odin
