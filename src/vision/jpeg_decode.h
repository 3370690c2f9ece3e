// JPEG decoding through libjpeg-turbo (Debian's libjpeg62-turbo), the
// decoder behind PIL, OpenCV and browsers, fuzzed upstream by OSS-Fuzz.
// stb_image's JPEG decoder (Debian 12's 2022-09 copy) was dropped: odin's
// fuzzing found it writing past a Huffman table (over 256 codes) and reading
// past one (a code outside the table), both fixed only in later stb releases.
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "core/status.h"
#include "vision/image.h"

namespace odin {

bool is_jpeg(std::span<const uint8_t> bytes);

// RGB (grayscale expanded, Adobe CMYK converted); errors name `name` and say
// what libjpeg reported. Images over `max_pixels` are refused after reading
// the header, before any pixel is decoded.
Result<Image> decode_jpeg(std::span<const uint8_t> bytes, const std::string& name,
                          int64_t max_pixels);

}  // namespace odin
