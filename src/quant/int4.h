// TFLite's INT4 storage: two signed 4-bit values per byte, the element with
// the lower index in the low nibble (tensorflow/lite/kernels/internal/
// portable_tensor_utils.cc, UnpackDenseInt4IntoInt8; an odd count leaves the
// last high nibble 0). odin holds such constants as int8 in [-8, 7], as
// TFLite does once a model is prepared.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace odin {

constexpr int kInt4Min = -8, kInt4Max = 7;

// The bytes n int4 values take: ceil(n / 2).
inline size_t int4_packed_bytes(size_t n) {
  return (n + 1) / 2;
}

std::vector<int8_t> unpack_int4(std::span<const uint8_t> packed, size_t n);
// The same into out (out.size() values; packed holds at least
// int4_packed_bytes(out.size()) bytes).
void unpack_int4_into(std::span<const uint8_t> packed, std::span<int8_t> out);
// nullopt when a value lies outside [-8, 7].
std::optional<std::vector<uint8_t>> pack_int4(std::span<const int8_t> values);

}  // namespace odin
