#include "vision/jpeg_check.h"

#include <cstddef>

namespace odin {
namespace {

// Marker codes from ITU T.81 table B.1.
constexpr uint8_t kSoi = 0xD8, kEoi = 0xD9, kDht = 0xC4;
constexpr uint8_t kRst0 = 0xD0, kRst7 = 0xD7, kTem = 0x01;
// A Huffman table has at most 256 symbols (T.81 B.2.4.2).
constexpr int kMaxHuffmanSymbols = 256;

// stb reads past a segment's declared end as zeros at the end of the file.
uint8_t byte_at(std::span<const uint8_t> b, size_t i) {
  return i < b.size() ? b[i] : 0;
}

bool has_no_length(uint8_t marker) {
  return marker == 0x00 || marker == kTem || marker == kSoi || (marker >= kRst0 && marker <= kRst7);
}

// Reads the DHT segment whose body starts at `p` the way stb_image does (one
// table after another while the declared length lasts, counts read from the
// file even past the segment's end). Sets `next` to the byte after it.
std::string check_dht(std::span<const uint8_t> b, size_t p, int64_t remaining, size_t* next) {
  while (remaining > 0) {
    const size_t table = p;
    const uint8_t class_and_id = byte_at(b, p);
    if ((class_and_id >> 4) > 1 || (class_and_id & 15) > 3) break;  // stb rejects it
    int symbols = 0;
    for (size_t i = 1; i <= 16; ++i) symbols += byte_at(b, p + i);
    if (symbols > kMaxHuffmanSymbols)
      return "JPEG Huffman table at byte " + std::to_string(table) + " declares " +
             std::to_string(symbols) + " codes (at most 256)";
    p += 17 + static_cast<size_t>(symbols);
    remaining -= 17 + symbols;
  }
  *next = p;
  return {};
}

}  // namespace

std::string find_jpeg_huffman_overflow(std::span<const uint8_t> b) {
  // stb_image accepts 0xFF fill bytes before SOI, as before any marker.
  size_t p = 0;
  while (p + 1 < b.size() && b[p] == 0xFF && b[p + 1] == 0xFF) ++p;
  if (p + 1 >= b.size() || b[p] != 0xFF || b[p + 1] != kSoi) return {};
  // Every marker, also those after a scan's entropy-coded data: there a 0xFF
  // is followed by 0x00 (a stuffed byte), RSTn or the next marker.
  p += 2;
  while (p + 1 < b.size()) {
    if (b[p] != 0xFF || b[p + 1] == 0xFF) {  // data, or a fill byte before a marker
      ++p;
      continue;
    }
    const uint8_t marker = b[p + 1];
    if (marker == kEoi) return {};
    if (has_no_length(marker)) {
      p += 2;
      continue;
    }
    const size_t length = (size_t{byte_at(b, p + 2)} << 8) | byte_at(b, p + 3);  // + its 2 bytes
    if (length < 2) return {};                                                   // stb rejects it
    size_t next = p + 2 + length;
    if (marker == kDht) {
      std::string problem = check_dht(b, p + 4, static_cast<int64_t>(length) - 2, &next);
      if (!problem.empty()) return problem;
    }
    p = next;
  }
  return {};
}

}  // namespace odin
