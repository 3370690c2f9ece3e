// 8-bit RGB images: decoding (JPEG via libjpeg-turbo, PNG and BMP via stb),
// PNG writing, resizing and conversion to model input tensors. Lives outside
// the core library so the runtime itself has no image-codec dependency.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "core/status.h"

namespace odin {

struct Image {
  int width = 0;
  int height = 0;
  std::vector<uint8_t> rgb;  // row-major, 3 bytes a pixel
};

// Larger images are refused before decoding (a hostile header could ask
// for gigabytes): 64 Mpixel, more than any phone camera.
constexpr int64_t kMaxImagePixels = int64_t{1} << 26;

// Errors name the file: missing, unreadable, or not an image.
Result<Image> load_image(const std::string& path);
// Decodes PNG, JPEG or BMP bytes; `name` prefixes error messages. Images
// over `max_pixels` are refused after reading the header.
Result<Image> decode_image(std::span<const uint8_t> bytes, const std::string& name,
                           int64_t max_pixels = kMaxImagePixels);
// The error for a `width` x `height` header that is empty or over the limit.
Status check_image_size(int64_t width, int64_t height, int64_t max_pixels, const std::string& name);

// Bilinear resize of the whole image to width x height, pixel centres
// aligned (half-pixel), then scaled to [lo, hi] float32 HWC.
std::vector<float> image_to_tensor(const Image& img, int width, int height, float lo, float hi);

// Writes a PNG (stb_image_write); errors name the file.
Status save_png(const Image& image, const std::string& path);

}  // namespace odin
