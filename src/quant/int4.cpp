#include "quant/int4.h"

namespace odin {

void unpack_int4_into(std::span<const uint8_t> packed, std::span<int8_t> out) {
  for (size_t i = 0; i < out.size(); ++i) {
    const uint8_t nibble = (packed[i / 2] >> (i % 2 ? 4 : 0)) & 0xF;
    out[i] = static_cast<int8_t>(nibble >= 8 ? nibble - 16 : nibble);  // sign-extend
  }
}

std::vector<int8_t> unpack_int4(std::span<const uint8_t> packed, size_t n) {
  std::vector<int8_t> out(n);
  unpack_int4_into(packed, out);
  return out;
}

std::optional<std::vector<uint8_t>> pack_int4(std::span<const int8_t> values) {
  std::vector<uint8_t> out(int4_packed_bytes(values.size()), 0);
  for (size_t i = 0; i < values.size(); ++i) {
    if (values[i] < kInt4Min || values[i] > kInt4Max) return std::nullopt;
    out[i / 2] |= static_cast<uint8_t>((values[i] & 0xF) << (i % 2 ? 4 : 0));
  }
  return out;
}

}  // namespace odin
