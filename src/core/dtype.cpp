#include "core/dtype.h"

#include <limits>

namespace odin {
namespace {

// Block layouts: ggml-common.h (QK8_0 = QK4_0 = 32, QK_K = 256,
// K_SCALE_SIZE = 12); block_q8_0 = {d, qs[32]}, block_q4_0 = {d, qs[16]},
// block_q4_K = {d, dmin, scales[12], qs[128]},
// block_q6_K = {ql[128], qh[64], scales[16], d}.
struct Info {
  const char* name;
  DTypeStorage storage;
};

Info info(DType dtype) {
  switch (dtype) {
    case DType::kF32:
      return {"float32", {1, 4}};
    case DType::kF16:
      return {"float16", {1, 2}};
    case DType::kI32:
      return {"int32", {1, 4}};
    case DType::kI64:
      return {"int64", {1, 8}};
    case DType::kI16:
      return {"int16", {1, 2}};
    case DType::kI8:
      return {"int8", {1, 1}};
    case DType::kU8:
      return {"uint8", {1, 1}};
    case DType::kBool:
      return {"bool", {1, 1}};
    case DType::kBF16:
      return {"bfloat16", {1, 2}};
    case DType::kQ8_0:
      return {"q8_0", {32, 2 + 32}};
    case DType::kQ4_0:
      return {"q4_0", {32, 2 + 16}};
    case DType::kQ4_K:
      return {"q4_k", {256, 2 + 2 + 12 + 128}};
    case DType::kQ6_K:
      return {"q6_k", {256, 128 + 64 + 16 + 2}};
    case DType::kM0E4:  // Q4_0's layout
      return {"m0e4", {32, 2 + 16}};
    case DType::kUnknown:
      break;
  }
  return {"unknown", {0, 0}};
}

}  // namespace

DTypeStorage dtype_storage(DType dtype) {
  return info(dtype).storage;
}

size_t dtype_size(DType dtype) {
  const DTypeStorage s = dtype_storage(dtype);
  return s.elements == 1 ? static_cast<size_t>(s.bytes) : 0;
}

bool is_block_quantized(DType dtype) {
  return dtype_storage(dtype).elements > 1;
}

const char* dtype_name(DType dtype) {
  return info(dtype).name;
}

int64_t tensor_bytes(DType dtype, const Shape& shape) {
  const DTypeStorage s = dtype_storage(dtype);
  const int64_t n = shape.num_elements();
  if (s.elements == 0 || n < 0) return -1;
  if (s.elements == 1) return n * s.bytes;  // n <= 2^40: no overflow
  const int64_t row = shape.rank() == 0 ? 1 : shape[shape.rank() - 1];
  if (row % s.elements != 0) return -1;
  return n / s.elements * s.bytes;
}

}  // namespace odin
