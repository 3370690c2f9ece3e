// 8-bit RGB images: decoding (PNG, JPEG, BMP via stb), PNG writing,
// resizing and conversion to model input tensors. Lives outside the core library so the
// runtime itself has no image-codec dependency.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/status.h"

namespace odin {

struct Image {
  int width = 0;
  int height = 0;
  std::vector<uint8_t> rgb;  // row-major, 3 bytes a pixel
};

// Errors name the file: missing, unreadable, or not an image.
Result<Image> load_image(const std::string& path);

// Bilinear resize of the whole image to width x height, pixel centres
// aligned (half-pixel), then scaled to [lo, hi] float32 HWC.
std::vector<float> image_to_tensor(const Image& img, int width, int height, float lo, float hi);

// Writes a PNG (stb_image_write); errors name the file.
Status save_png(const Image& image, const std::string& path);

}  // namespace odin
