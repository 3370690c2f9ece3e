// A PNG's chunk table checked before stb_image sees it: stb allocates room
// for each IDAT chunk's stated length before reading its bytes, so a
// 100-byte file claiming a 900 MB chunk made it allocate 900 MB (found by
// fuzz_image_decode). Chunk layout: PNG spec 1.2, section 5.3 (length,
// type, data, CRC; lengths are big-endian and at most 2^31 - 1).
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "core/status.h"

namespace odin {

bool is_png(std::span<const uint8_t> bytes);

// Every chunk up to IEND (or the end of the file) lies inside the file; the
// error names the chunk, its byte offset and its stated length.
Status check_png_chunks(std::span<const uint8_t> bytes, const std::string& name);

}  // namespace odin
