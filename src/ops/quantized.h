// Shape-inference checks the ops share for affine-quantized (int8/uint8)
// tensors, as TFLite's int8 quantization spec lays them out: activations
// per tensor, weights per tensor or per output channel with zero points 0,
// biases int32 with zero point 0. The output's scale and zero point come
// from the model (the file declares them); the op checks they are there.
#pragma once

#include <cmath>
#include <cstdint>
#include <string>

#include "ops/infer_context.h"
#include "quant/affine.h"

namespace odin {

// The byte PAD fills value v with: an int8/uint8 tensor's zero point (its
// real 0, as TFLite's int8 PAD), else 0.
inline uint8_t pad_fill_byte(const Value& v) {
  if (!is_affine_dtype(v.dtype) || !v.quant || v.quant->zero_points.empty()) return 0;
  return static_cast<uint8_t>(v.quant->zero_points[0]);
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
  int64_t lo = -128, hi = 127;  // int8
  if (v.dtype == DType::kU8) lo = 0, hi = 255;
  if (v.dtype == DType::kI16) lo = -32768, hi = 32767;
  if (v.dtype == DType::kI32) lo = INT32_MIN, hi = INT32_MAX;
  for (int64_t z : q.zero_points) {
    if (z < lo || z > hi) return ctx.fail(what, " has zero point ", z, " outside its dtype");
    if (zero_point_zero && z != 0)
      return ctx.fail(what, " has zero point ", z, " (must be 0 for ", what, ")");
  }
  return Status();
}

// An op that computes in int8/uint8 with its own output quantization: input
// `input` has a per-tensor table and output 0 declares one (its dtype about
// to become the input's).
inline Status check_affine_io(InferContext& ctx, size_t input) {
  const Value& in = ctx.input(input);
  ODIN_RETURN_IF_ERROR(check_quant_table(ctx, in, input == 0 ? "input" : "input 1", 0, 0, false));
  Value declared = ctx.output(0);
  declared.dtype = in.dtype;
  return check_quant_table(ctx, declared, "output", 0, 0, false);
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

// An op that moves or compares quantized values without rescaling them
// (pooling, PAD, RESIZE, CONCATENATION: TFLite's int8 kernels require it):
// input `input`'s table is usable and the output declares the same one.
inline Status check_same_table(InferContext& ctx, size_t input) {
  const Value& in = ctx.input(input);
  ODIN_RETURN_IF_ERROR(check_quant_table(ctx, in, "input", 0, 0, false));
  const Value& out = ctx.output(0);
  if (!out.quant || out.quant->scales.size() != 1 || out.quant->scales[0] != in.quant->scales[0] ||
      zero_point_of(*out.quant, 0) != zero_point_of(*in.quant, 0))
    return ctx.unsupported("an output quantization other than the input's (", dtype_name(in.dtype),
                           " scale ", in.quant->scales[0], ", zero point ",
                           zero_point_of(*in.quant, 0), "): int8 ", op_type_name(ctx.node().op),
                           " does not rescale");
  return Status();
}

}  // namespace odin
