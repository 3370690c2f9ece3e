// Weight tensors of any stored dtype (F32, F16, BF16 and the block-quantized
// ones) as rows of floats: what a reference kernel needs to read an LLM's
// matrices and embedding tables (and KV cache rows) without knowing their
// format; and rows of floats stored in the KV cache's dtypes.
#pragma once

#include <optional>
#include <span>

#include "core/dtype.h"
#include "quant/block_quant.h"

namespace odin {

// The block format of a weight dtype; nullopt for dtypes that are not one
// (integers, bool, unknown).
std::optional<BlockFormat> block_format_of(DType dtype);
DType dtype_of(BlockFormat format);

// Decodes row `row` of a [rows, dst.size()] tensor stored as `dtype` at
// `data`. False when the dtype is not a weight format or dst.size() is not
// a whole number of its blocks.
bool decode_weight_row(DType dtype, const void* data, int64_t row, std::span<float> dst);

// Stores src as row `row` of a [rows, src.size()] tensor of `dtype` at
// `data`: F32, F16 (rounded to nearest even) or Q8_0 (quantize_row_q8_0),
// the KV cache's dtypes. False for other dtypes or when src.size() is not a
// whole number of blocks.
bool encode_row(DType dtype, std::span<const float> src, void* data, int64_t row);

}  // namespace odin
