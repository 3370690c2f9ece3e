// The stb image codecs, compiled here rather than linked from Debian's
// libstb: only PNG and BMP are built in (JPEG goes to libjpeg-turbo,
// vision/jpeg_decode.h), which keeps the attack surface for images from
// strangers small, and the decoders get the project's sanitizer and fuzzing
// instrumentation.
#define STB_IMAGE_IMPLEMENTATION
#define STBI_ONLY_PNG
#define STBI_ONLY_BMP
#define STBI_NO_STDIO  // odin reads files itself (vision/image.cpp)
#define STBI_NO_LINEAR
#define STBI_NO_HDR
// Per side; the pixel count is capped by kMaxImagePixels before decoding.
#define STBI_MAX_DIMENSIONS (1 << 16)
#include <stb/stb_image.h>

#define STB_IMAGE_WRITE_IMPLEMENTATION
#include <stb/stb_image_write.h>
