// libFuzzer target: the image decoders behind the vision pipelines (JPEG
// through libjpeg-turbo; PNG and BMP through stb_image compiled into
// odin_vision, so instrumented too) and the conversion of what decodes into
// model input tensors.
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "vision/image.h"
#include "vision/roi_crop.h"

namespace {
// Decoding and cropping larger images takes long without reaching new code
// (the limit itself is tested in tests/vision/test_image_decode.cpp).
constexpr int64_t kMaxFuzzPixels = int64_t{1} << 18;
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto image = odin::decode_image(std::span<const uint8_t>(data, size), "fuzz", kMaxFuzzPixels);
  if (!image.ok()) return 0;
  odin::TensorSpec spec;
  spec.width = 32;
  spec.height = 24;
  spec.keep_aspect_ratio = true;
  std::vector<float> tensor(static_cast<size_t>(spec.width) * spec.height * 3);
  odin::crop_to_tensor(*image, odin::whole_image_roi(*image), spec, tensor);
  (void)odin::image_to_tensor(*image, 16, 16, -1.0f, 1.0f);
  return 0;
}
