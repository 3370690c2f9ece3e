// DEQUANTIZE shape inference: float16 -> float32 (any quantization table on
// an fp16 tensor is ignored; MediaPipe's models carry empty ones), or affine
// int8/uint8/int16 -> float32 with per-tensor or per-channel parameters.
#include "ops/infer_context.h"
#include "ops/op_def.h"
#include "ops/window.h"

namespace odin {

static Status infer_dequantize(InferContext& ctx) {
  ODIN_RETURN_IF_ERROR(ctx.expect_inputs(1, 1));
  ODIN_RETURN_IF_ERROR(ctx.expect_outputs(1));
  const Value& in = ctx.input(0);
  switch (in.dtype) {
    case DType::kF16:
      break;
    case DType::kI8:
    case DType::kU8:
    case DType::kI16: {
      if (!in.quant || in.quant->scales.empty())
        return ctx.fail("input ", dtype_name(in.dtype), " has no quantization scales");
      const QuantParams& q = *in.quant;
      const size_t n = q.scales.size();
      if (!q.zero_points.empty() && q.zero_points.size() != n)
        return ctx.fail("quantization has ", n, " scales but ", q.zero_points.size(),
                        " zero points");
      if (n > 1) {
        if (q.axis < 0 || static_cast<size_t>(q.axis) >= in.shape.rank())
          return ctx.fail("per-channel quantization axis ", q.axis, " is out of range for shape ",
                          in.shape.str());
        if (in.shape[static_cast<size_t>(q.axis)] != static_cast<int64_t>(n))
          return ctx.fail("per-channel quantization has ", n, " scales but dim ", q.axis,
                          " of shape ", in.shape.str(), " differs");
      }
      break;
    }
    default:
      return ctx.unsupported("DEQUANTIZE of ", dtype_name(in.dtype),
                             " (supported: float16, int8, uint8, int16)");
  }
  ctx.set_output(0, DType::kF32, in.shape);
  return Status();
}

namespace ref {
Status dequantize_node(const KernelArgs& args);  // kernels/reference/dequantize.cpp
}

ODIN_DEFINE_OP(kDequantize, .infer = infer_dequantize, .reference = ref::dequantize_node);

}  // namespace odin
