// Affine int8/uint8 arithmetic as TFLite's integer kernels do it, so that
// odin's int8 results equal TFLite's: real multipliers as a Q31 fixed-point
// number and a power of two, products rounded the way gemmlowp rounds them
// (the arithmetic of TFLite's reference_integer_ops and its
// QuantizeMultiplier / MultiplyByQuantizedMultiplier; its default, not the
// TFLITE_SINGLE_ROUNDING build).
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "core/attrs.h"
#include "core/dtype.h"
#include "core/graph.h"

namespace odin {

// The activation dtypes odin computes affine-quantized: int8 and uint8.
inline bool is_affine_dtype(DType t) {
  return t == DType::kI8 || t == DType::kU8;
}

// real ~= multiplier * 2^(shift - 31), multiplier in [2^30, 2^31) (or 0).
struct FixedPointMultiplier {
  int32_t multiplier = 0;
  int shift = 0;
};

// The nearest fixed-point form of `real` (>= 0): frexp's mantissa rounded
// to 31 bits; reals below 2^-31 become 0.
FixedPointMultiplier quantize_multiplier(double real);

// round(x * real) for the multiplier's real, in TFLite's two steps: x
// shifted left (shift > 0), its doubling high product with the multiplier
// rounded to nearest with ties up (the one overflow, INT32_MIN x INT32_MIN,
// saturates), then a right shift (shift < 0) rounding ties away from zero.
int32_t multiply_by_quantized_multiplier(int32_t x, FixedPointMultiplier m);

// The int32 range of a quantized output after its fused activation
// (TFLite's CalculateActivationRangeQuantized): RELU clamps at the zero
// point, RELU6 / RELU_N1_TO_1 at the quantized 6 / +-1 too; always within
// the dtype's range.
struct QuantizedRange {
  int32_t min = 0, max = 0;
};
QuantizedRange quantized_activation_range(Activation act, DType dtype, float scale,
                                          int32_t zero_point);

// Smallest and largest value of int8, uint8 or int16.
QuantizedRange dtype_range(DType dtype);

// The zero point of channel c (0 when the table has none).
inline int32_t zero_point_of(const QuantParams& q, size_t c) {
  if (q.zero_points.empty()) return 0;
  return static_cast<int32_t>(q.zero_points[c < q.zero_points.size() ? c : 0]);
}
inline float scale_of(const QuantParams& q, size_t c) {
  return q.scales[c < q.scales.size() ? c : 0];
}

// A convolution's or FULLY_CONNECTED's per-output-channel requantization:
// input scale x weight scale of channel c / output scale (one weight scale
// serves every channel when the weights are quantized per tensor).
std::vector<FixedPointMultiplier> output_multipliers(const QuantParams& input,
                                                     const QuantParams& weights,
                                                     const QuantParams& output, int64_t channels);

// TFLite's int8/uint8 ADD and SUB: each input (minus its zero point) is
// shifted left 20 bits and scaled to half the larger input scale, the two
// summed, and the sum scaled to the output (add.cc's Prepare and
// reference_integer_ops::Add).
struct AffineAddition {
  FixedPointMultiplier a, b, out;
};
AffineAddition affine_addition(float scale_a, float scale_b, float scale_out);
// (a - zero_a) +- (b - zero_b) in the output's scale, before its zero point.
int32_t add_affine(int32_t a_centered, int32_t b_centered, const AffineAddition& p, bool subtract);

// XNNPACK's int8/uint8 ADD (LiteRT's CPU path through its delegate;
// XNNPACK src/microparams-init.c, xnn_init_qs8_add_minmax_scalar_params):
// each input's scale over the output's as an integer of at most 21 bits
// over 2^shift, the larger in [2^20, 2^21); out = ((bias + a m_a + b m_b)
// >> shift) + zero_out, the bias holding the zero points and the rounding
// 2^(shift - 1). SUB negates b's multiplier.
struct IntegerAddition {
  int32_t a_multiplier = 0, b_multiplier = 0, bias = 0;
  int shift = 0;
};
// False where a ratio lies outside [2^-10, 2^8), which XNNPACK refuses
// (TFLite's own kernel, affine_addition, then runs the op).
bool integer_addition(float a_ratio, float b_ratio, int32_t zero_a, int32_t zero_b, bool subtract,
                      IntegerAddition* out);

// float -> int8/uint8/int16 as TFLite's QUANTIZE: zero_point + round(x /
// scale) (ties away from zero), clamped to the dtype.
int32_t quantize_value(float x, float scale, int32_t zero_point, DType dtype);

// --- Choosing tables (the quantizer's side) ------------------------------

// Per-tensor asymmetric table covering [lo, hi] (widened to hold 0, so
// zero is exact, as TFLite's spec requires): scale (hi - lo) / (levels - 1),
// zero point lo's level, rounded and clamped into the dtype.
QuantParams asymmetric_params(float lo, float hi, DType dtype);

// Symmetric weights (zero point 0, values in [-127, 127] for 8 bits,
// TFLite's weight spec, or [-7, 7] for 4): one scale per slice along `axis`
// (per channel), or one for the whole tensor when axis < 0. A slice of zeros
// gets scale 1. `bits` is 8 or 4 (held as int8 either way; params.bits says).
struct SymmetricWeights {
  std::vector<int8_t> values;
  QuantParams params;
};
SymmetricWeights quantize_symmetric(std::span<const float> w, const Shape& shape, int axis,
                                    int bits = 8);

// An int32 bias with scale input_scale x weight_scale[c] and zero point 0
// (TFLite's bias spec); `channel_axis` is 0 (the bias is 1-D).
std::vector<int32_t> quantize_bias(std::span<const float> bias, float input_scale,
                                   const QuantParams& weights, QuantParams* params);

}  // namespace odin
