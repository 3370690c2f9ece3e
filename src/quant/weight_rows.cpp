#include "quant/weight_rows.h"

#include <cstring>

#include "quant/fp16.h"

namespace odin {

std::optional<BlockFormat> block_format_of(DType dtype) {
  switch (dtype) {
    case DType::kF32:
      return BlockFormat::kF32;
    case DType::kF16:
      return BlockFormat::kF16;
    case DType::kBF16:
      return BlockFormat::kBF16;
    case DType::kQ8_0:
      return BlockFormat::kQ8_0;
    case DType::kQ4_0:
      return BlockFormat::kQ4_0;
    case DType::kQ4_K:
      return BlockFormat::kQ4_K;
    case DType::kQ6_K:
      return BlockFormat::kQ6_K;
    case DType::kM0E4:
      return BlockFormat::kM0E4;
    default:
      return std::nullopt;
  }
}

DType dtype_of(BlockFormat format) {
  switch (format) {
    case BlockFormat::kF32:
      return DType::kF32;
    case BlockFormat::kF16:
      return DType::kF16;
    case BlockFormat::kBF16:
      return DType::kBF16;
    case BlockFormat::kQ8_0:
      return DType::kQ8_0;
    case BlockFormat::kQ4_0:
      return DType::kQ4_0;
    case BlockFormat::kQ4_K:
      return DType::kQ4_K;
    case BlockFormat::kQ6_K:
      return DType::kQ6_K;
    case BlockFormat::kM0E4:
      return DType::kM0E4;
  }
  return DType::kUnknown;
}

bool decode_weight_row(DType dtype, const void* data, int64_t row, std::span<float> dst) {
  const std::optional<BlockFormat> format = block_format_of(dtype);
  if (!format) return false;
  const int64_t row_bytes = block_row_bytes(*format, static_cast<int64_t>(dst.size()));
  if (row_bytes < 0) return false;
  dequantize_row(*format, static_cast<const uint8_t*>(data) + row * row_bytes, dst);
  return true;
}

bool encode_row(DType dtype, std::span<const float> src, void* data, int64_t row) {
  const std::optional<BlockFormat> format = block_format_of(dtype);
  if (!format) return false;
  const int64_t row_bytes = block_row_bytes(*format, static_cast<int64_t>(src.size()));
  if (row_bytes < 0) return false;
  uint8_t* dst = static_cast<uint8_t*>(data) + row * row_bytes;
  switch (*format) {
    case BlockFormat::kF32:
      std::memcpy(dst, src.data(), src.size_bytes());
      return true;
    case BlockFormat::kF16:
      fp32_to_fp16(src.data(), dst, src.size());
      return true;
    case BlockFormat::kQ8_0:
      quantize_row_q8_0(src, dst);
      return true;
    default:
      return false;
  }
}

}  // namespace odin
