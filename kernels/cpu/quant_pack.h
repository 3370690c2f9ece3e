// The packed layout of block-quantized matrices (prepack_quant_matmul):
// 16 rows interleaved per block so that a SIMD lane is an output row.
#pragma once

#include <cstdint>

#include "quant/block_quant.h"

namespace odin::cpu::qmm {

// Prepacked weights (prepack_quant_matmul): groups of kPackRows rows, per
// block the group's rows side by side (kPackRows x block_bytes bytes), so
// that an int32 lane is a row. Rows past n are zero (scale 0).
//   Q8_0 (544): [0, 32) the fp16 scales; then 8 vectors t: the rows' bytes
//         4t..4t+3.
//   Q4_0 (288): [0, 32) the scales; then 4 vectors t: per row a word whose
//         byte i holds value 8t+i (low nibble) and 8t+4+i (high nibble).
//   M0E4 (288): as Q4_0 (the same block layout, other values).
//   Q4_K (2304): [0, 32) d, [32, 64) dmin; [64, 256) the rows' 12 scale
//         bytes as 3 vectors of words (bytes 0-3, 4-7, 8-11); then per
//         sub-block s (256 bytes) 4 vectors t as Q4_0's, values 32s + ...
//   Q6_K (3360): [0, 32) d; [32, 288) the int8 scales, per sub-block s the
//         16 rows'; then per sub-block (192 bytes) the low 4 bits of its 16
//         values as 2 vectors t as Q4_0's, and a vector of words whose byte
//         i holds the top 2 bits of values i, 4+i, 8+i, 12+i (bits 0-1,
//         2-3, 4-5, 6-7).
constexpr int64_t kPackRows = 16;

inline int64_t packed_block_bytes(BlockFormat f) {
  return kPackRows * block_format_info(f).block_bytes;
}

// Moves row r's block between GGUF form and a packed group block: `pack`
// writes into the group block, else out of it (into a zeroed gguf block).
// The layout's definition: the portable kernels read packed blocks back
// with it.
void move_block(BlockFormat f, uint8_t* group_block, int r, uint8_t* gguf, bool pack);

// What move_block(f, group_block, r, gguf, true) does for each of a row's
// `blocks` blocks (into consecutive group blocks), at load speed: the
// quants are spelled out in natural order (a byte each), then gathered into
// the packed words eight at a time.
void pack_row(BlockFormat f, const uint8_t* row, int64_t blocks, uint8_t* group, int r);

}  // namespace odin::cpu::qmm
