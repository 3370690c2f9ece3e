#include "vision/image.h"

#include <stb/stb_image.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <iterator>

#include "vision/jpeg_decode.h"
#include "vision/png_check.h"

namespace odin {

Result<Image> load_image(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f.good()) return make_error(StatusCode::kNotFound, path, ": cannot open image");
  const std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(f)),
                                   std::istreambuf_iterator<char>());
  return decode_image(bytes, path);
}

Status check_image_size(int64_t width, int64_t height, int64_t max_pixels,
                        const std::string& name) {
  if (width >= 1 && height >= 1 && width * height <= max_pixels) return Status();
  return make_error(StatusCode::kInvalidArgument, name, ": image of ", width, "x", height,
                    " pixels is empty or over the limit of ", max_pixels, " pixels");
}

Result<Image> decode_image(std::span<const uint8_t> bytes, const std::string& name,
                           int64_t max_pixels) {
  if (bytes.size() > static_cast<size_t>(INT32_MAX))
    return make_error(StatusCode::kInvalidArgument, name, ": image file too large");
  const auto* p = bytes.data();
  const int n = static_cast<int>(bytes.size());
  if (is_jpeg(bytes)) return decode_jpeg(bytes, name, max_pixels);
  if (is_png(bytes)) ODIN_RETURN_IF_ERROR(check_png_chunks(bytes, name));
  int w = 0, h = 0, channels = 0;
  if (!stbi_info_from_memory(p, n, &w, &h, &channels))
    return make_error(StatusCode::kInvalidArgument, name, ": not a readable image (",
                      stbi_failure_reason(), ")");
  ODIN_RETURN_IF_ERROR(check_image_size(w, h, max_pixels, name));
  stbi_uc* data = stbi_load_from_memory(p, n, &w, &h, &channels, 3);
  if (!data)
    return make_error(StatusCode::kInvalidArgument, name, ": not a readable image (",
                      stbi_failure_reason(), ")");
  Image img;
  img.width = w;
  img.height = h;
  img.rgb.assign(data, data + static_cast<size_t>(w) * h * 3);
  stbi_image_free(data);
  return img;
}

std::vector<float> image_to_tensor(const Image& img, int width, int height, float lo, float hi) {
  std::vector<float> out(static_cast<size_t>(width) * height * 3);
  const float sx = static_cast<float>(img.width) / width;
  const float sy = static_cast<float>(img.height) / height;
  const float scale = (hi - lo) / 255.0f;
  for (int y = 0; y < height; ++y) {
    const float fy = std::clamp((y + 0.5f) * sy - 0.5f, 0.0f, img.height - 1.0f);
    const int y0 = static_cast<int>(fy), y1 = std::min(y0 + 1, img.height - 1);
    const float wy = fy - y0;
    for (int x = 0; x < width; ++x) {
      const float fx = std::clamp((x + 0.5f) * sx - 0.5f, 0.0f, img.width - 1.0f);
      const int x0 = static_cast<int>(fx), x1 = std::min(x0 + 1, img.width - 1);
      const float wx = fx - x0;
      for (int c = 0; c < 3; ++c) {
        auto px = [&](int yy, int xx) {
          return static_cast<float>(img.rgb[(static_cast<size_t>(yy) * img.width + xx) * 3 + c]);
        };
        const float top = px(y0, x0) + (px(y0, x1) - px(y0, x0)) * wx;
        const float bottom = px(y1, x0) + (px(y1, x1) - px(y1, x0)) * wx;
        const float v = top + (bottom - top) * wy;
        out[(static_cast<size_t>(y) * width + x) * 3 + c] = lo + v * scale;
      }
    }
  }
  return out;
}

}  // namespace odin
