// odin's optimized CPU kernels: float32, NHWC, written once with Highway
// (portable SIMD) and dispatched at run time to the best instruction set the
// CPU has (AVX-512, AVX2, NEON, ...). The entry points here are plain C++;
// each takes a row or element range so that callers can split work across
// threads. They compute the same math as kernels/reference (up to float
// rounding order) and are tested against it (tests/cpu).
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>

#include "core/attrs.h"
#include "core/shape.h"
#include "kernels/cpu/aligned_buffer.h"

namespace odin::cpu {

// A fused activation as a clamp range; false for TANH / SIGN_BIT (no
// optimized kernel applies those).
struct Clamp {
  float lo = -std::numeric_limits<float>::infinity();
  float hi = std::numeric_limits<float>::infinity();
};
bool clamp_of(Activation act, Clamp* out);

// Rough single-thread costs (ns per unit of work, measured on an AVX-512
// core: GEMM ~50 GFLOP/s, depthwise ~25, streaming ops ~6 floats/ns), for
// ThreadPool::grain_for to tell a node worth splitting across threads from
// one that is not; not a timing model. Slower cores under-estimate, which
// only keeps small nodes on one thread.
inline constexpr double kGemmNsPerMac = 1.0 / 25.0;
inline constexpr double kDepthwiseNsPerMac = 1.0 / 12.0;
inline constexpr double kStreamNsPerFloat = 1.0 / 6.0;

// Lanes of a float vector on the dispatched target (16 on AVX-512).
size_t float_lanes();
// Human-readable dispatched target ("AVX3", "AVX2", "NEON", ...).
const char* simd_target_name();
// Runs `iters` steps of independent register-resident FMA chains; returns
// the floating-point operations done (a throughput probe for benchmarks).
double fma_loop(int64_t iters, float* sink);

// ---- GEMM: C[m, n] = clamp(sum_k A[m, k] * W[n, k] + bias[n]) -------------
// (then, with PRELU slopes packed, C < 0 ? alpha[n] * C : C)

// W [n][k] (row-major, e.g. an OHWI filter or FC weights) repacked once into
// panels of `nr` columns: panel p holds W[p*nr .. p*nr+nr)[k] as [k][nr],
// zero-padded past n, so the microkernel loads whole vectors of B.
struct PackedWeights {
  int64_t n = 0, k = 0;
  int64_t nr = 0, panels = 0;
  AlignedFloats data;  // panels * k * nr
  AlignedFloats bias;  // panels * nr (zeros when the layer has none)
  // panels * nr PRELU slopes (a fused PRELU: C < 0 ? alpha * C : C after the
  // clamp), or empty.
  AlignedFloats alpha;
  size_t bytes() const { return data.bytes() + bias.bytes() + alpha.bytes(); }
};
// Storage comes from `arena` when given (else owned). `alpha`: n PRELU
// slopes, or null.
PackedWeights pack_weights(const float* w, const float* bias, int64_t n, int64_t k,
                           WeightArena* arena = nullptr, const float* alpha = nullptr);

// Rows the microkernel computes at once (its register block) for w.
int64_t gemm_tile_rows(const PackedWeights& w);

// C rows [0, rows) x panels [panel_begin, panel_end): A row r at a + r*lda,
// C row r at c + r*ldc (column 0 of the matrix, not of the panel). `add`,
// when given, is laid out like C (a fused residual: C = clamp(AW + bias +
// add)); it must not overlap C.
void gemm(int64_t rows, const float* a, int64_t lda, const PackedWeights& w, int64_t panel_begin,
          int64_t panel_end, float* c, int64_t ldc, Clamp clamp, const float* add = nullptr);
// All panels, with A row r made of `segs` runs of k / segs floats, run s at
// a + r*lda + s*seg_stride: a convolution reading its filter rows straight
// from an NHWC image (no im2col copy) where the window lies inside it.
void gemm_segmented(int64_t rows, const float* a, int64_t lda, int64_t segs, int64_t seg_stride,
                    const PackedWeights& w, float* c, int64_t ldc, Clamp clamp,
                    const float* add = nullptr);

// ---- Depthwise convolution (depth multiplier 1, dilation 1) --------------

// What every sliding-window kernel (depthwise, pooling; float and int8)
// reads of its node: NHWC sizes in [batch, in_h, in_w, c] and out
// [batch, out_h, out_w, c], the window, its strides and the leading padding
// (any amount; bottom/right follow from out_h/out_w).
struct WindowGeometry {
  int64_t batch = 1, in_h = 0, in_w = 0, c = 0, out_h = 0, out_w = 0;
  int64_t k_h = 1, k_w = 1, stride_h = 1, stride_w = 1, pad_top = 0, pad_left = 0;
};

// NHWC `in` -> `out` under a k_h x k_w window.
inline WindowGeometry window_geometry(const Shape& in, const Shape& out, int64_t k_h, int64_t k_w,
                                      int64_t stride_h, int64_t stride_w, int64_t pad_top,
                                      int64_t pad_left) {
  return {in[0], in[1], in[2],    in[3],    out[1],  out[2],
          k_h,   k_w,   stride_h, stride_w, pad_top, pad_left};
}

struct DepthwiseParams : WindowGeometry {
  const float* in = nullptr;       // [batch, in_h, in_w, c]
  float* out = nullptr;            // [batch, out_h, out_w, c]
  const float* weights = nullptr;  // [k_h * k_w][c_pad], zero-padded channels
  const float* bias = nullptr;     // [c_pad]
  int64_t c_pad = 0;
  Clamp clamp;
  // [c_pad] PRELU slopes applied after the clamp (a fused PRELU), or null.
  const float* alpha = nullptr;
};
// Output rows [row_begin, row_end) of batch*out_h rows.
void depthwise_rows(const DepthwiseParams& p, int64_t row_begin, int64_t row_end);
// 5x5 filters at stride 1 only (for 3x3 and at stride 2 the rows kernel
// was faster, repack included), on
// the input repacked as `blocked` [batch][c / lanes][hp][wp][lanes], zero-
// bordered so that every window lies inside (p.in, pads and in_h/in_w are
// unused); writes p.out (NHWC). Blocks [block_begin, block_end) of
// batch * ceil(c / lanes).
void depthwise_blocked(const DepthwiseParams& p, const float* blocked, int64_t hp, int64_t wp,
                       int64_t block_begin, int64_t block_end);

// ---- Pooling ---------------------------------------------------------------

struct PoolParams : WindowGeometry {  // k_h x k_w: the pooling window
  const float* in = nullptr;
  float* out = nullptr;
  bool average = false;  // else max; windows are clipped to the input (TFLite)
  Clamp clamp;
};
void pool_rows(const PoolParams& p, int64_t row_begin, int64_t row_end);

// ---- Resize bilinear ------------------------------------------------------

// NHWC [batch, in_h, in_w, c] -> [batch, out_h, out_w, c] (float and int8).
struct ResizeGeometry {
  int64_t batch = 1, in_h = 0, in_w = 0, c = 0, out_h = 0, out_w = 0;
};
// The geometry of a 4-D `in` resized to `out`, when the kernels cover it
// (same batch and channels, no empty tensor, spatial sizes <= max_size).
inline bool resize_geometry(const Shape& in, const Shape& out, int64_t max_size,
                            ResizeGeometry* g) {
  if (in.rank() != 4 || out.rank() != 4 || out[0] != in[0] || out[3] != in[3]) return false;
  if (in.num_elements() <= 0 || out.num_elements() <= 0) return false;
  for (size_t d = 1; d <= 2; ++d)
    if (in[d] > max_size || out[d] > max_size) return false;
  *g = {in[0], in[1], in[2], in[3], out[1], out[2]};
  return true;
}

struct ResizeParams : ResizeGeometry {
  const float* in = nullptr;
  float* out = nullptr;
  // Per output row / column: the two source indices and the weight of `hi`.
  const int32_t* y_lo = nullptr;
  const int32_t* y_hi = nullptr;
  const float* y_frac = nullptr;
  const int32_t* x_lo = nullptr;
  const int32_t* x_hi = nullptr;
  const float* x_frac = nullptr;
};
void resize_bilinear_rows(const ResizeParams& p, int64_t row_begin, int64_t row_end);

// ---- Elementwise -------------------------------------------------------

// out[i] = clamp(a[i] fn b[i]) for the functions has_binary_kernel() accepts
// (ADD, SUB, MUL, DIV, SQUARED_DIFFERENCE).
bool has_binary_kernel(BinaryFn fn);
void binary_same(BinaryFn fn, const float* a, const float* b, float* out, int64_t n, Clamp clamp);
// Row broadcast: rows of c elements against one row `vec` of c elements.
// vec_first: out = vec op rows (else rows op vec).
void binary_row(BinaryFn fn, const float* rows, const float* vec, float* out, int64_t num_rows,
                int64_t c, bool vec_first, Clamp clamp);
// Scalar broadcast: out = s op a (scalar_first) or a op s.
void binary_scalar(BinaryFn fn, const float* a, float s, float* out, int64_t n, bool scalar_first,
                   Clamp clamp);
// PRELU with alpha of c elements repeated every row: x >= 0 ? x : x * alpha.
void prelu_rows(const float* x, const float* alpha, float* out, int64_t num_rows, int64_t c);
// ADD of a full tensor y [pixels][c] and x [pixels][cx] zero-padded to c
// channels at the end (BlazeFace's residual shortcuts):
// out[p, i] = clamp(y[p, i] + (i < cx ? x[p, i] : 0)).
void add_channel_padded(const float* x, int64_t cx, const float* y, float* out, int64_t pixels,
                        int64_t c, Clamp clamp);
// x is [outer][inner][c]; out[o][j] = sum over i of x[o][i][j], in order
// (the reference's order), divided by inner when `mean`. Rows [o0, o1).
void reduce_middle(const float* x, float* out, int64_t o0, int64_t o1, int64_t inner, int64_t c,
                   bool mean);
// out = min(max(x, lo), hi) (RELU, RELU6, RELU_N1_TO_1).
void clamp_values(const float* x, float* out, int64_t n, Clamp clamp);
// SOFTMAX of `rows` rows of `depth` floats (softmax.cpp); y may alias x.
void softmax_rows(const float* x, float* y, int64_t rows, int64_t depth, float beta);

// y = fn(x) for the unary functions that have a SIMD kernel (unary.cpp);
// `alpha` is LEAKY_RELU's slope.
bool has_unary_kernel(UnaryFn fn);
void unary_values(UnaryFn fn, const float* x, float* y, int64_t n, float alpha);

}  // namespace odin::cpu
