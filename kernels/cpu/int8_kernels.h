// odin's optimized int8/uint8 CPU kernels: the integer arithmetic of
// TFLite's int8 kernels (quant/affine.h) on SIMD (Highway, dispatched at
// run time; AVX-512 VNNI where the CPU has it). Sums are exact; the
// requantization is TFLite's reference fixed point bit for bit, or float32
// as XNNPACK (Int8Rounding). Tested against the reference (tests/cpu).
#pragma once

#include <cstdint>
#include <vector>

#include "kernels/cpu/aligned_buffer.h"
#include "kernels/cpu/cpu_kernels.h"
#include "quant/affine.h"

namespace odin::cpu {

// Output channels per weight panel and per requantization table step.
constexpr int64_t kInt8Panel = 16;

// How the optimized int8 kernels requantize int32 sums.
//   kFloat: as XNNPACK (TFLite's default CPU path, and LiteRT.js's): the
//           sum times the multiplier in float32, rounded to nearest even
//           (ADD/SUB: XNNPACK's 21-bit integer multipliers). A few elements
//           per layer land one step from TFLite's reference.
//   kExact: TFLite's reference fixed point (multiply_by_quantized_multiplier),
//           bit for bit what kernels/reference computes; slower, as every
//           product needs 64 bits.
enum class Int8Rounding { kFloat, kExact };

// int32 sums (plus `bias`) to int8/uint8, per output channel c:
// clamp(multiply_by_quantized_multiplier(sum + bias[c], m[c]) + zero), or
// with kFloat clamp(round(float(sum + bias[c]) * scale[c]) + zero).
// Tables padded to whole panels (so whole vectors load).
struct Int8Requant {
  std::vector<int32_t> bias, multiplier, left, right;  // left/right: the multiplier's shifts
  std::vector<float> scale;                            // the multiplier in float32 (kFloat)
  // Empty, or a second bias added with int32 saturation after `bias` (a
  // layer whose sum plus bias may leave int32, which the reference clamps).
  // Such layers requantize exactly whatever the rounding.
  std::vector<int32_t> bias_saturating;
  int32_t zero = 0, lo = -128, hi = 127;
  bool out_unsigned = false;  // uint8 output (else int8)
  bool any_left = false;      // some channel's left shift is not 0
  Int8Rounding rounding = Int8Rounding::kExact;
  // kFloat with the dtype's whole range and every |scale| < 0.5: any int32
  // sum's scaled value fits int32, so kernels whose stores saturate
  // (requantize_unclamped) skip the float clamp.
  bool saturate = false;
  // Requantization by one float multiply and a rounding, the clamp left to
  // saturating stores: `saturate` and no saturating bias (which needs the
  // reference's int32 clamp).
  bool float_unclamped() const { return saturate && bias_saturating.empty(); }
  // The tables of channels `from` (entries < 0: zeros), in that order, e.g.
  // every other channel or one phase of a flat depthwise row.
  Int8Requant pick(const std::vector<int64_t>& from) const;
};
Int8Requant make_int8_requant(const std::vector<FixedPointMultiplier>& m, int32_t zero,
                              QuantizedRange range, bool out_unsigned, Int8Rounding rounding);
// The float32 value of a fixed-point multiplier: m * 2^(shift - 31).
float multiplier_as_float(const FixedPointMultiplier& m);

// multiply_by_quantized_multiplier(x[i], m[i]) for i in [0, n) as the
// kernels compute it (int8_requant-inl.h; for tests). Shifts in [-31, 31].
void int8_multiply_by_multipliers(const int32_t* x, const FixedPointMultiplier* m, int64_t n,
                                  int32_t* out);

// ---- GEMM: out[m, n] = requant(sum_k (a[m, k] - a_zero) * W[n, k]) ----------

// How the packed operands are laid out, chosen per node:
//   kU8S8: AVX-512 VNNI (vpdpbusd), int8 only: A as uint8 (x + 128), W
//          int8 in panels [k / 4][16 channels][4]; the +128 and the input
//          zero point fold into the bias: sum (x - zx) w = sum (x + 128) w -
//          (128 + zx) sum w.
//   kS16:  every other case: A as int16 (x - zx), W int16 (w - w_zero) in
//          panels [k / 2][16 channels][2] (pairwise int16 products, exact).
enum class Int8Layout { kU8S8, kS16 };

// Whether the dispatched target has the kU8S8 kernel (AVX-512 VNNI).
bool int8_gemm_has_vnni();
// Name of the dispatched target (for benchmarks and tests).
const char* int8_target_name();

struct Int8PackedWeights {
  Int8Layout layout = Int8Layout::kS16;
  int64_t n = 0, k = 0, k_pad = 0, panels = 0;
  AlignedFloats data;  // bytes: panels * k_pad * 16 elements (int8 or int16)
  int64_t panel_bytes() const { return k_pad * kInt8Panel * (layout == Int8Layout::kU8S8 ? 1 : 2); }
  size_t bytes() const { return static_cast<size_t>(panels * panel_bytes()); }
};

// Packs W [n][k] (int8, or uint8 with per-channel zero points `w_zero`)
// into `layout`; `bias` (per channel, or null) gets the layout's
// zero-point correction for an input zero point `a_zero`.
Int8PackedWeights pack_int8_weights(Int8Layout layout, const void* w, bool w_unsigned,
                                    const std::vector<int32_t>& w_zero, int64_t n, int64_t k,
                                    int32_t a_zero, std::vector<int32_t>* bias,
                                    WeightArena* arena = nullptr);

// Rows of A a convolution gathers into one packed tile.
constexpr int64_t kInt8TileRows = 32;
// C rows [0, rows) (any number) x panels [p0, p1): A packed by
// the layout (row r at a + r * k_pad elements: uint8 or int16), C row r at
// c + r * ldc (int8 or uint8 as q.out_unsigned).
void int8_gemm(int64_t rows, const void* a, const Int8PackedWeights& w, int64_t p0, int64_t p1,
               const Int8Requant& q, void* c, int64_t ldc);

// The kU8S8 GEMM on an indirect A: row r's group g (4 bytes) is at
// row_ptrs[r] + offsets[g] (k_pad / 4 offsets), so a convolution reads its
// windows in place instead of copying them (im2col).
void int8_gemm_indirect(int64_t rows, const uint8_t* const* row_ptrs, const int32_t* offsets,
                        const Int8PackedWeights& w, int64_t p0, int64_t p1, const Int8Requant& q,
                        void* c, int64_t ldc);

// ---- Depthwise convolution (multiplier 1), NHWC, any window --------------
//
// Vectorised over channels with exact int16 products summed pairwise into
// int32 (vpmaddwd on x86): per tap, (x - zx) of 2 x Lanes channels times
// the weights of the even channels (zeros between) and of the odd ones, so
// one int32 vector sums the even channels and one the odd, each
// requantized with its own tables, then interleaved back into bytes.

// Channels padded to whole blocks of kInt8DepthwiseBlock.
constexpr int64_t kInt8DepthwiseBlock = 32;

constexpr int64_t kInt8DepthwiseMaxPhases = 16;

struct Int8DepthwiseWeights {
  int64_t c = 0, c_pad = 0, taps = 0;
  AlignedFloats data;     // int16 [taps][2][c_pad]: even channels' w - wz (odd
                          // positions 0), then the odd channels'
  Int8Requant even, odd;  // tables of channels 0, 2, 4, ... and 1, 3, 5, ...
  // Rows of stride-1 windows as flat vectors of (pixel, channel) values:
  // vector v of an output row starts at channel (v * lanes) mod c, one of
  // `phases` (c / gcd(c, lanes)) patterns, each with its own weights
  // [taps][2][lanes] (even lanes' then odd lanes') and tables. lanes: the
  // dispatched target's int16 lanes when packed (0: none).
  int64_t flat_lanes = 0, phases = 0;            // phases <= kInt8DepthwiseMaxPhases
  AlignedFloats flat;                            // int16 [phases][taps][2][flat_lanes]
  std::vector<Int8Requant> flat_even, flat_odd;  // per phase, flat_lanes / 2 entries
  const int16_t* weights() const { return reinterpret_cast<const int16_t*>(data.data()); }
  const int16_t* flat_weights() const { return reinterpret_cast<const int16_t*>(flat.data()); }
  size_t bytes() const {
    return static_cast<size_t>(taps * 2 * (c_pad + phases * flat_lanes)) * sizeof(int16_t);
  }
};
// filter [1, k_h, k_w, c] (int8, or uint8 with per-channel zero points
// w_zero); the requantization of every channel (its bias set).
Int8DepthwiseWeights pack_int8_depthwise(const void* filter, bool w_unsigned,
                                         const std::vector<int32_t>& w_zero, int64_t taps,
                                         int64_t c, const Int8Requant& q,
                                         WeightArena* arena = nullptr);

struct Int8DepthwiseParams : WindowGeometry {
  const void* in = nullptr;  // [batch, in_h, in_w, c] int8 or uint8
  void* out = nullptr;       // [batch, out_h, out_w, c]
  const Int8DepthwiseWeights* w = nullptr;
  int64_t dilation_h = 1, dilation_w = 1;
  int32_t in_zero = 0;
  bool in_unsigned = false;
};
// Output rows [row_begin, row_end) of batch * out_h.
void int8_depthwise_rows(const Int8DepthwiseParams& p, int64_t row_begin, int64_t row_end);

// ---- MAX_POOL_2D (output in the input's quantization) ---------------------

struct Int8MaxPoolParams : WindowGeometry {  // k_h x k_w: the pooling window
  const void* in = nullptr;                  // [batch, in_h, in_w, c] int8 or uint8
  void* out = nullptr;                       // [batch, out_h, out_w, c]
  int32_t lo = -128, hi = 127;               // the fused activation's range
  bool is_unsigned = false;
};
// Output rows [row_begin, row_end) of batch * out_h; windows are clipped to
// the input and none may be empty.
void int8_max_pool_rows(const Int8MaxPoolParams& p, int64_t row_begin, int64_t row_end);

// ---- RESIZE_BILINEAR (TFLite's ResizeBilinearInteger; output in the input's
// quantization) --------------------------------------------------------------

struct Int8ResizeParams : ResizeGeometry {
  const void* in = nullptr;  // [batch, in_h, in_w, c] int8 or uint8
  void* out = nullptr;       // [batch, out_h, out_w, c]
  // Per output row / column: the two source indices and the weight of `hi`
  // in 1/1024 (ref::resize_samples_q10).
  const int32_t* y_lo = nullptr;
  const int32_t* y_hi = nullptr;
  const int32_t* y_frac = nullptr;
  const int32_t* x_lo = nullptr;
  const int32_t* x_hi = nullptr;
  const int32_t* x_frac = nullptr;
  bool is_unsigned = false;
};
// Output rows [row_begin, row_end) of batch * out_h: the four neighbours
// weighted in 1/2^20 (int32: |value| <= 255 * 2^20), rounded half away from
// zero, exactly as the reference.
void int8_resize_bilinear_rows(const Int8ResizeParams& p, int64_t row_begin, int64_t row_end);

// ---- ADD / SUB (TFLite's int8 ADD: quant/affine.h affine_addition) --------

struct Int8AddParams {
  int32_t a_zero = 0, b_zero = 0, out_zero = 0, lo = -128, hi = 127;
  AffineAddition add;       // kExact
  IntegerAddition integer;  // kFloat (XNNPACK's; SUB in its multipliers)
  Int8Rounding rounding = Int8Rounding::kFloat;
  bool subtract = false, is_unsigned = false;
};
// out[i] = a[i] +- b[i] for i in [0, n) (int8 or uint8 throughout); kFloat:
// XNNPACK's integer sum (quant/affine.h integer_addition) + out_zero,
// clamped: within one step of the reference.
void int8_add(const Int8AddParams& p, const void* a, const void* b, void* out, int64_t n);

// ---- PRELU (TFLite's int8 PRELU: two multipliers) --------------------------

// Entries of PRELU's alpha table past c (repeating it): one vector starts
// at any channel.
constexpr int64_t kInt8PreluSlack = 64;

struct Int8PreluParams {
  int32_t x_zero = 0, out_zero = 0, lo = -128, hi = 127;
  FixedPointMultiplier identity;   // scale_x / scale_out, for x >= zero
  FixedPointMultiplier slope;      // scale_x scale_alpha / scale_out
  const int32_t* alpha = nullptr;  // [c + kInt8PreluSlack]: alpha[i % c] - zero_alpha
  // kFloat: identity and (alpha[i] - zero_alpha) slope as float32 factors.
  float identity_scale = 0;
  const float* alpha_scale = nullptr;  // [c + kInt8PreluSlack]
  int64_t c = 0;
  Int8Rounding rounding = Int8Rounding::kFloat;
  bool is_unsigned = false;
  // kFloat with lo, hi the dtype's range and every |x - zx| factor below
  // 2^30: the product rounds to int32 without a clamp, which the store's
  // saturation then does.
  bool saturate = false;
};
// Rows [r0, r1) of [rows][c]: out = x >= zx ? (x - zx) * identity
// : (x - zx)(alpha - za) * slope, + out_zero, clamped (kFloat: the
// products in float32, rounded to nearest even). Flat over the rows'
// elements (a vector may span pixels).
void int8_prelu_rows(const Int8PreluParams& p, const void* x, void* out, int64_t r0, int64_t r1);

// ---- QUANTIZE float32 -> int8/uint8 (quant/affine.h quantize_value) -------

// out[i] = clamp(round(x[i] / scale) + zero) (ties away from zero, in
// float32 as the reference; NaN: the dtype's minimum) for i in [0, n);
// kFloat: clamp(x[i] (1 / scale) + zero) rounded to nearest even (XNNPACK).
void int8_quantize(const float* x, void* out, int64_t n, float scale, int32_t zero,
                   bool is_unsigned, Int8Rounding rounding);

// ---- DEQUANTIZE int8/uint8 -> float32 ------------------------------------

// out[i] = float(x[i] - zero) * scale for i in [0, n): one rounding of an
// exact product, so the reference's double product rounded to float.
void int8_dequantize(const void* x, float* out, int64_t n, float scale, int32_t zero,
                     bool is_unsigned);

}  // namespace odin::cpu
