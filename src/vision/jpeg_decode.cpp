#include "vision/jpeg_decode.h"

// jpeglib.h needs size_t and FILE declared first.
#include <cstddef>
#include <cstdio>
// clang-format off
#include <jpeglib.h>
// clang-format on

#include <csetjmp>
#include <vector>

namespace odin {
namespace {

// libjpeg reports fatal errors through error_exit, which must not return:
// it jumps back to decode_jpeg with the message kept.
struct ErrorManager {
  jpeg_error_mgr base;
  std::jmp_buf jump;
  char message[JMSG_LENGTH_MAX];
};

[[noreturn]] void on_fatal_error(j_common_ptr cinfo) {
  auto* err = reinterpret_cast<ErrorManager*>(cinfo->err);
  cinfo->err->format_message(cinfo, err->message);
  std::longjmp(err->jump, 1);
}

// Warnings (corrupt data that libjpeg decodes anyway) stay quiet, as in PIL.
void on_message(j_common_ptr, int) {}

// Adobe APP14 CMYK JPEGs store inverted ink, so the colour is ink * black.
uint8_t ink_times_black(uint8_t ink, uint8_t black) {
  return static_cast<uint8_t>((ink * black + 127) / 255);
}

}  // namespace

bool is_jpeg(std::span<const uint8_t> bytes) {
  return bytes.size() >= 3 && bytes[0] == 0xFF && bytes[1] == 0xD8 && bytes[2] == 0xFF;
}

Result<Image> decode_jpeg(std::span<const uint8_t> bytes, const std::string& name,
                          int64_t max_pixels) {
  // Everything with a destructor lives before setjmp: a longjmp back here
  // must not skip any.
  Image image;
  std::vector<uint8_t> cmyk_row;
  jpeg_decompress_struct cinfo;
  ErrorManager err;
  cinfo.err = jpeg_std_error(&err.base);
  err.base.error_exit = on_fatal_error;
  err.base.emit_message = on_message;
  if (setjmp(err.jump)) {
    jpeg_destroy_decompress(&cinfo);
    return make_error(StatusCode::kInvalidArgument, name,
                      ": not a readable image (JPEG: ", err.message, ")");
  }
  jpeg_create_decompress(&cinfo);
  jpeg_mem_src(&cinfo, bytes.data(), static_cast<unsigned long>(bytes.size()));
  jpeg_read_header(&cinfo, TRUE);
  const int64_t w = cinfo.image_width, h = cinfo.image_height;
  if (Status size = check_image_size(w, h, max_pixels, name); !size.ok()) {
    jpeg_destroy_decompress(&cinfo);
    return size;
  }
  const bool cmyk = cinfo.jpeg_color_space == JCS_CMYK || cinfo.jpeg_color_space == JCS_YCCK;
  cinfo.out_color_space = cmyk ? JCS_CMYK : JCS_RGB;
  jpeg_start_decompress(&cinfo);
  image.width = static_cast<int>(w);
  image.height = static_cast<int>(h);
  image.rgb.resize(static_cast<size_t>(w * h * 3));
  if (cmyk) cmyk_row.resize(static_cast<size_t>(w) * 4);
  while (cinfo.output_scanline < cinfo.output_height) {
    uint8_t* rgb = image.rgb.data() + static_cast<size_t>(cinfo.output_scanline) * w * 3;
    JSAMPROW row = cmyk ? cmyk_row.data() : rgb;
    if (jpeg_read_scanlines(&cinfo, &row, 1) != 1) break;
    if (!cmyk) continue;
    for (int64_t x = 0; x < w; ++x)
      for (int c = 0; c < 3; ++c)
        rgb[x * 3 + c] = ink_times_black(cmyk_row[x * 4 + c], cmyk_row[x * 4 + 3]);
  }
  jpeg_finish_decompress(&cinfo);
  jpeg_destroy_decompress(&cinfo);
  return image;
}

}  // namespace odin
