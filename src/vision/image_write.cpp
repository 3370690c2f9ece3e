#include <stb/stb_image_write.h>

#include "vision/image.h"

namespace odin {

Status save_png(const Image& image, const std::string& path) {
  if (image.width <= 0 || image.height <= 0 ||
      image.rgb.size() != static_cast<size_t>(image.width) * image.height * 3)
    return make_error(StatusCode::kInvalidArgument, path, ": image to save is empty or malformed");
  if (!stbi_write_png(path.c_str(), image.width, image.height, 3, image.rgb.data(),
                      image.width * 3))
    return make_error(StatusCode::kIo, path, ": cannot write PNG");
  return Status();
}

}  // namespace odin
