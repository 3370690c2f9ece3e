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
void quantize_row_q6_k(std::span<const float> src, uint8_t* dst);

}  // namespace odin
