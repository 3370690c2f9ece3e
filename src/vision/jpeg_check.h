// A check of JPEG files before stb_image decodes them. Debian 12's stb_image
// (2022-09-08) does not bound the number of codes a Huffman table declares:
// a DHT segment whose 16 code counts add up to more than 256 makes it write
// past its 256-entry value table (found by tests/fuzz fuzz_image_decode;
// upstream stb_image 2.28 rejects it with "bad DHT header"). odin walks the
// markers and refuses such files itself until Debian's stb has the fix.
#pragma once

#include <cstdint>
#include <span>
#include <string>

namespace odin {

// Empty when `bytes` is not a JPEG or its Huffman tables are all in bounds;
// otherwise what is wrong and at which byte offset.
std::string find_jpeg_huffman_overflow(std::span<const uint8_t> bytes);

}  // namespace odin
