// Block-quantized weight formats (the GGUF/ggml layouts LLM files carry) and
// their reference conversions, defined once for every backend and importer.
// Optimized kernels read the same bytes and must agree with these.
// Layouts are facts of the format (ggml-common.h, block_q8_0, block_q4_0,
// block_q4_K, block_q6_K); tests/unit/test_block_quant.cpp checks them
// against ggml's own conversions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace odin {

enum class BlockFormat : uint8_t {
  kF32,
  kF16,
  kBF16,
  kQ8_0,  // 32 int8 and one fp16 scale
  kQ4_0,  // 32 4-bit values (offset 8) and one fp16 scale
  kQ4_K,  // 256: 8 sub-blocks of 32, 6-bit scales and mins, fp16 super-scales
  kQ6_K,  // 256: 16 sub-blocks of 16, 6-bit values, int8 scales, fp16 scale
  kM0E4,  // 32 4-bit signed powers of two and one fp16 scale (odin's own)
};

struct BlockFormatInfo {
  const char* name;
  int64_t block_elements;  // elements per block along a row
  int64_t block_bytes;
};
const BlockFormatInfo& block_format_info(BlockFormat format);

// Bytes of a row of `elements`; -1 when `elements` is not a whole number of
// blocks (or negative, or the product would overflow).
int64_t block_row_bytes(BlockFormat format, int64_t elements);

// Decodes `dst.size()` elements (a whole number of blocks) from `src`, which
// must hold block_row_bytes(format, dst.size()) bytes, any alignment.
void dequantize_row(BlockFormat format, const uint8_t* src, std::span<float> dst);

// The reference quantizer of `format` below (F32 and F16 convert), false
// for BF16 (it has none). `src.size()` is a whole number of blocks.
bool quantize_row(BlockFormat format, std::span<const float> src, uint8_t* dst);

// Reference quantizers of the 32-element formats (weights written by odin's
// tools and tests, activations of the integer dot products): the same bytes
// as ggml's quantize_row_q8_0_ref / quantize_row_q4_0_ref. `dst` holds
// block_row_bytes(format, src.size()) bytes.
void quantize_row_q8_0(std::span<const float> src, uint8_t* dst);
void quantize_row_q4_0(std::span<const float> src, uint8_t* dst);

// Reference quantizers of the 256-element k-quants (test models and tools;
// not ggml's bytes: ggml searches its scales, these take them from each
// sub-block's range). Q4_K: each 32-value sub-block's minimum (clamped to <=
// 0) and range become 6-bit multiples of the fp16 super-scales dmin and d,
// rounded up so that every value fits; Q6_K: each 16-value sub-block's
// largest magnitude maps to 31, its scale an int8 multiple of the fp16 d.
// Every product that feeds a rounding is exact, so a compiler that fuses
// multiply-adds writes the same bytes. `src.size()` is a multiple of 256.
void quantize_row_q4_k(std::span<const float> src, uint8_t* dst);
// The 6-bit scale and min of Q4_K sub-block j (0-7) from a block's 12 scale
// bytes (ggml's get_scale_min_k4).
void q4_k_scale_min(int j, const uint8_t* scales, int* scale, int* min);
void quantize_row_q6_k(std::span<const float> src, uint8_t* dst);

// M0E4 (odin's, after the FP4 weights of Transformer-Lite, Li et al. 2024,
// arXiv:2403.20041: values whose decode is an exponent add, no multiply).
// Q4_0's layout (fp16 d, then 16 bytes: value j in the low nibble of byte j,
// value j + 16 in the high one); a code is a sign (bit 3) and an exponent
// field e (bits 0-2): e = 0 is 0, else the value is +-2^(e-1) * d. The
// decoded integers {0, +-1, +-2, ..., +-64} fit int8, so integer kernels take
// them through a 16-entry table (kM0E4Values) where Q4_0 subtracts 8.
inline constexpr int8_t kM0E4Values[16] = {0, 1,  2,  4,  8,  16,  32,  64,
                                           0, -1, -2, -4, -8, -16, -32, -64};
// Per block, d is searched over one octave above amax / 64 (a power of two
// further scales the grid onto itself) for the least squared error of the
// fp16-rounded d; each value takes the nearest code (the smaller magnitude
// on a tie). Deterministic; `src.size()` is a multiple of 32.
void quantize_row_m0e4(std::span<const float> src, uint8_t* dst);

}  // namespace odin
