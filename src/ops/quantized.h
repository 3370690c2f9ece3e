// Shape-inference checks the ops share for affine-quantized (int8/uint8)
// tensors, as TFLite's int8 quantization spec lays them out: activations
// per tensor, weights per tensor or per output channel with zero points 0,
// biases int32 with zero point 0. The output's scale and zero point come
// from the model (the file declares them); the op checks they are there.
#pragma once

#include <cmath>
#include <cstdint>

#include "ops/infer_context.h"

namespace odin {

// The activation dtypes odin computes affine-quantized: int8 and uint8.
inline bool is_affine_dtype(DType t) {
  return t == DType::kI8 || t == DType::kU8;
}

// Value v carries a usable table: scales finite and > 0, one per tensor
// or `channels` along `axis` (when channels > 0), zero points none, one or
// one per scale, each within the dtype's range (and 0 when `zero_point_zero`).
inline Status check_quant_table(const InferContext& ctx, const Value& v, const char* what,
                                int64_t channels, int axis, bool zero_point_zero) {
  if (!v.quant || v.quant->scales.empty())
    return ctx.fail(what, " (", dtype_name(v.dtype), ") has no quantization scale");
  const QuantParams& q = *v.quant;
  const auto n = static_cast<int64_t>(q.scales.size());
  if (n != 1 && (channels <= 0 || n != channels || q.axis != axis))
    return ctx.fail(what, " has ", n, " quantization scales along axis ", q.axis, "; expected one",
                    channels > 0 ? " or one per channel of axis " : "",
                    channels > 0 ? std::to_string(axis) : std::string());
  for (float s : q.scales)
    if (!(s > 0.0f) || !std::isfinite(s))
      return ctx.fail(what, " has quantization scale ", s, " (must be finite and > 0)");
  if (!q.zero_points.empty() && static_cast<int64_t>(q.zero_points.size()) != n &&
      q.zero_points.size() != 1)
    return ctx.fail(what, " has ", n, " scales but ", q.zero_points.size(), " zero points");
  const int64_t lo = v.dtype == DType::kU8 ? 0 : v.dtype == DType::kI32 ? INT32_MIN : -128;
  const int64_t hi = v.dtype == DType::kU8 ? 255 : v.dtype == DType::kI32 ? INT32_MAX : 127;
  for (int64_t z : q.zero_points) {
    if (z < lo || z > hi) return ctx.fail(what, " has zero point ", z, " outside its dtype");
    if (zero_point_zero && z != 0)
      return ctx.fail(what, " has zero point ", z, " (must be 0 for ", what, ")");
  }
  return Status();
}

// A quantized conv / depthwise / FULLY_CONNECTED: input 0 int8 or uint8
// per tensor, weights (input 1) of the same dtype per tensor or per output
// channel (`channels` along `weight_axis`; int8 zero points 0), optional
// int32 bias (input 2, one per output channel), output 0 declared with a
// per-tensor table. Sets nothing.
inline Status check_quantized_weighted(InferContext& ctx, int64_t channels, int weight_axis) {
  const Value& in = ctx.input(0);
  const Value& w = ctx.input(1);
  if (w.dtype != in.dtype)
    return ctx.unsupported("input ", dtype_name(in.dtype), " with weights ", dtype_name(w.dtype),
                           " (quantized weights must have the input's dtype)");
  ODIN_RETURN_IF_ERROR(check_quant_table(ctx, in, "input", 0, 0, false));
  ODIN_RETURN_IF_ERROR(
      check_quant_table(ctx, w, "weights", channels, weight_axis, w.dtype == DType::kI8));
  if (ctx.has_input(2)) {
    ODIN_RETURN_IF_ERROR(ctx.expect_dtype(2, DType::kI32));
    const Shape& b = ctx.input_shape(2);
    if (b.rank() != 1 || b[0] != channels)
      return ctx.fail("bias shape ", b.str(), " does not match the ", channels, " output channels");
  }
  Value declared = ctx.output(0);
  declared.dtype = in.dtype;  // what the output will be
  return check_quant_table(ctx, declared, "output", 0, 0, false);
}

}  // namespace odin
