// Weight tensors of any stored dtype (F32, F16, BF16 and the block-quantized
// ones) as rows of floats: what a reference kernel needs to read an LLM's
// matrices and embedding tables without knowing their format.
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

}  // namespace odin
