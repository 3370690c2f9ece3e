// Element types odin understands. Storage types (f16, i8, u8) may appear on
// constants; compute in the reference path is f32 (and i32 for indices).
// Block-quantized types (the GGUF/ggml formats LLM weights come in) store a
// row in blocks of several elements: they have no per-element size, and a
// tensor of one has its last dim a whole number of blocks.
#pragma once

#include <cstddef>
#include <cstdint>

#include "core/shape.h"

namespace odin {

enum class DType : uint8_t {
  kUnknown = 0,
  kF32,
  kF16,
  kI32,
  kI64,
  kI16,
  kI8,
  kU8,
  kBool,
  kBF16,
  kQ8_0,  // 32 int8 values and one fp16 scale
  kQ4_0,  // 32 4-bit values (offset 8) and one fp16 scale
  kQ4_K,  // 256: 8 sub-blocks of 32 with 6-bit scales and mins, fp16 super-scales
  kQ6_K,  // 256: 16 sub-blocks of 16, 6-bit values, int8 scales, fp16 scale
  kM0E4,  // 32 4-bit signed powers of two and one fp16 scale (quant/block_quant.h)
};

// How a dtype is stored: `bytes` per block of `elements` consecutive
// elements of a row (1 element for the plain types). {0, 0} for kUnknown.
struct DTypeStorage {
  int64_t elements;
  int64_t bytes;
};
DTypeStorage dtype_storage(DType dtype);

// Bytes per element; 0 for kUnknown and for block-quantized types, so ops
// that move elements (reshape, pad, gather, ...) refuse those.
size_t dtype_size(DType dtype);
bool is_block_quantized(DType dtype);
const char* dtype_name(DType dtype);

// Bytes of a tensor of `shape` in `dtype` (rows of blocks for block
// types); -1 when the shape is not static, its last dim is not a whole
// number of blocks, or the dtype is unknown. The one place byte sizes of
// tensors come from.
int64_t tensor_bytes(DType dtype, const Shape& shape);

}  // namespace odin
