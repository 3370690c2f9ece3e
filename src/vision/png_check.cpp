#include "vision/png_check.h"

#include <cstring>

namespace odin {
namespace {

constexpr uint8_t kSignature[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};

uint32_t be32(const uint8_t* p) {
  return uint32_t{p[0]} << 24 | uint32_t{p[1]} << 16 | uint32_t{p[2]} << 8 | p[3];
}

std::string chunk_type(const uint8_t* p) {
  std::string type;
  for (int i = 0; i < 4; ++i) type += (p[i] >= 0x20 && p[i] < 0x7F) ? static_cast<char>(p[i]) : '?';
  return type;
}

}  // namespace

bool is_png(std::span<const uint8_t> bytes) {
  return bytes.size() >= sizeof(kSignature) &&
         std::memcmp(bytes.data(), kSignature, sizeof(kSignature)) == 0;
}

Status check_png_chunks(std::span<const uint8_t> bytes, const std::string& name) {
  size_t at = sizeof(kSignature);
  // A header cut short at the end is left to stb, which reports it.
  while (bytes.size() - at >= 8) {
    const uint32_t length = be32(bytes.data() + at);
    const std::string type = chunk_type(bytes.data() + at + 4);
    if (length > bytes.size() - at - 8 || bytes.size() - at - 8 - length < 4)
      return make_error(StatusCode::kInvalidArgument, name, ": not a readable image (PNG chunk '",
                        type, "' at byte ", at, " claims ", length,
                        " bytes, past the end of the file)");
    if (type == "IEND") break;
    at += 12 + size_t{length};
  }
  return Status();
}

}  // namespace odin
