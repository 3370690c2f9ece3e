// Matrix multiplication with block-quantized weights (the GGUF/ggml layouts
// of quant/block_quant.h), read where they lie (or rearranged once at load:
// prepack_quant_matmul, below), never decoded to float32 in memory. For LLM
// inference: m = 1 is a decode step (GEMV, bound by memory bandwidth), m > 1
// a prompt (GEMM, bound by arithmetic).
//
//   y[i, j] = sum_k x[i, k] * W[j, k] (+ bias[j])     i < m, j < n
//
// Integer formats (Q8_0, Q4_0, M0E4, Q4_K, Q6_K): each call first quantizes every
// row of x once to 8 bits, as blocks that share one float scale:
//   Q8_0 / Q4_0 / M0E4 weights: blocks of 32,   d = amax / 127
//   Q4_K / Q6_K weights: blocks of 256,  d = amax / 127
// q = nearest-even(x * (127 / amax)) in float32 (all zero when amax is 0),
// so |q| <= 127. The dot products are then exact int8 x int{4,6,8} sums in
// int32, scaled in float32 by the weight and activation block scales. The
// result equals "dequantize_row(W) . (q * d)" up to float32 rounding; it
// differs from the float32 product by at most sum_k |W[j, k]| * d / 2 per
// block. F16 and BF16 weights meet float32 activations unquantized (widened
// on the fly, fused multiply-add).
//
// x and y are row-major with row strides k and n floats. Runs on every
// Highway target; the AVX-512 targets have their own kernels (AVX3_DL adds
// VNNI), the others (AVX2, NEON, ...) a portable one.
#pragma once

#include <cstddef>
#include <cstdint>

#include "core/status.h"
#include "core/thread_pool.h"
#include "kernels/cpu/aligned_buffer.h"
#include "quant/block_quant.h"

namespace odin::cpu {

struct QuantMatmul {
  BlockFormat format = BlockFormat::kQ8_0;
  // n rows of k elements, row j at weights + j * block_row_bytes(format, k),
  // any alignment.
  const uint8_t* weights = nullptr;
  int64_t n = 0, k = 0;
  const float* bias = nullptr;  // n floats, or null
};

// Formats with a kernel: Q8_0, Q4_0, M0E4, Q4_K, Q6_K, F16, BF16.
bool quant_matmul_supports(BlockFormat format);

// InvalidArgument unless the format has a kernel, k > 0 is a whole number of
// the format's blocks (32 for Q8_0/Q4_0, 256 for Q4_K/Q6_K), n >= 0, and
// weights is set when n > 0.
Status check_quant_matmul(const QuantMatmul& w);

// Scratch bytes quant_matmul needs for m rows (the quantized activations);
// 0 for F16/BF16 and for arguments check_quant_matmul rejects. num_threads
// is the pool's size (kept for kernels with per-thread tiles; unused now).
size_t quant_matmul_scratch_bytes(const QuantMatmul& w, int64_t m, int num_threads);

// Computes y (m x n). scratch: quant_matmul_scratch_bytes(w, m, ...) bytes,
// any alignment, contents clobbered. Returns InvalidArgument, writing
// nothing, when check_quant_matmul(w) fails, m < 0, or x / y / scratch is
// null where needed. x must be finite (a NaN or infinity spoils its row of y).
// Work is split over `pool` by rows of W (and of x for large m).
Status quant_matmul(const QuantMatmul& w, const float* x, int64_t m, float* y, void* scratch,
                    ThreadPool& pool);

// ---- Prepacked weights (optional) ------------------------------------------
// quant_matmul reads GGUF rows where they lie. A matrix can instead be
// rearranged once, at load (prepack_quant_matmul): per 16 rows and block,
// the 16 rows' scales side by side, then their quants as one 4-byte word
// per row and vector, so that a SIMD lane is an output row: no shuffles, 16
// outputs per vector. The same bytes as the GGUF rows (n rounded up to 16)
// and the same results, about twice as fast on AVX-512 (GEMV and GEMM; the
// other targets read it back into GGUF form per block: correct, slower).
struct PackedQuantMatmul {
  BlockFormat format = BlockFormat::kQ4_K;
  int64_t n = 0, k = 0;
  const float* bias = nullptr;  // n floats, or null (not copied)
  AlignedFloats data;           // the packed bytes, 64-byte aligned
  const uint8_t* bytes() const { return reinterpret_cast<const uint8_t*>(data.data()); }
};

// Formats prepack_quant_matmul can rearrange: Q8_0, Q4_0, M0E4, Q4_K, Q6_K.
bool quant_matmul_prepack_supports(BlockFormat format);
// Whether packing `format` pays on this CPU: the packed kernels are about
// twice as fast on AVX-512; other targets read packed blocks back into GGUF
// form (slower than reading the file's rows), so they keep the direct path.
bool quant_matmul_prepack_pays(BlockFormat format);
// Packs w (check_quant_matmul's errors; Unsupported for other formats) into
// *out, its storage from `arena` when given, split over `pool` when given.
Status prepack_quant_matmul(const QuantMatmul& w, PackedQuantMatmul* out,
                            WeightArena* arena = nullptr, ThreadPool* pool = nullptr);
size_t quant_matmul_scratch_bytes(const PackedQuantMatmul& w, int64_t m, int num_threads);
// As quant_matmul on the unpacked matrix.
Status quant_matmul(const PackedQuantMatmul& w, const float* x, int64_t m, float* y, void* scratch,
                    ThreadPool& pool);

// The Highway target the kernels dispatch to ("AVX3_DL", "AVX3", "AVX2",
// "NEON", ...), for benchmark labels and tests.
const char* quant_matmul_target();

}  // namespace odin::cpu
