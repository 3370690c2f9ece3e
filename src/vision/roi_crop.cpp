#include "vision/roi_crop.h"

#include <algorithm>
#include <cmath>
#include <cstdint>

namespace odin {
namespace {

// OpenCV's INTER_TAB_SIZE: source positions are quantised to 1/32 pixel.
constexpr int kSubpixelBits = 5;
constexpr int kSubpixelSteps = 1 << kSubpixelBits;

// One row of the output: bilinear taps of an 8-bit RGB image.
class Sampler {
 public:
  Sampler(const Image& image, BorderMode border, float range_min, float range_max)
      : img_(image),
        border_(border),
        scale_((range_max - range_min) / 255.0f),
        offset_(range_min) {}

  // (qx, qy): source position in 1/32 pixel units.
  void sample(int64_t qx, int64_t qy, float* out) const {
    const int64_t x0 = qx >> kSubpixelBits, y0 = qy >> kSubpixelBits;
    const float fx = static_cast<float>(qx & (kSubpixelSteps - 1)) / kSubpixelSteps;
    const float fy = static_cast<float>(qy & (kSubpixelSteps - 1)) / kSubpixelSteps;
    const float w00 = (1 - fx) * (1 - fy), w01 = fx * (1 - fy);
    const float w10 = (1 - fx) * fy, w11 = fx * fy;
    const uint8_t *p00, *p01, *p10, *p11;
    if (x0 >= 0 && y0 >= 0 && x0 + 1 < img_.width && y0 + 1 < img_.height) {
      p00 = pixel(x0, y0);
      p01 = p00 + 3;
      p10 = p00 + static_cast<size_t>(img_.width) * 3;
      p11 = p10 + 3;
    } else {
      p00 = edge_tap(x0, y0);
      p01 = edge_tap(x0 + 1, y0);
      p10 = edge_tap(x0, y0 + 1);
      p11 = edge_tap(x0 + 1, y0 + 1);
    }
    for (int c = 0; c < 3; ++c) {
      const float v = w00 * p00[c] + w01 * p01[c] + w10 * p10[c] + w11 * p11[c];
      // v is in [0, 255]: truncating v + 0.5 rounds it to a level.
      const int level = static_cast<int>(v + 0.5f);
      out[c] = static_cast<float>(level) * scale_ + offset_;
    }
  }

 private:
  const uint8_t* pixel(int64_t x, int64_t y) const {
    return img_.rgb.data() + (static_cast<size_t>(y) * img_.width + static_cast<size_t>(x)) * 3;
  }
  const uint8_t* edge_tap(int64_t x, int64_t y) const {
    static constexpr uint8_t kBlack[3] = {0, 0, 0};
    const bool inside = x >= 0 && y >= 0 && x < img_.width && y < img_.height;
    if (!inside && border_ == BorderMode::kZero) return kBlack;
    return pixel(std::clamp<int64_t>(x, 0, img_.width - 1),
                 std::clamp<int64_t>(y, 0, img_.height - 1));
  }

  const Image& img_;
  BorderMode border_;
  float scale_, offset_;
};

// Rounds to the nearest 1/32 pixel, half to even (OpenCV's saturate_cast),
// kept in a range where the shifts above cannot overflow. Adding and
// subtracting 1.5 * 2^52 rounds in the FPU's default mode without a libm
// call (std::nearbyint is one on baseline x86-64).
int64_t quantize(double coordinate) {
  constexpr double kRoundingMagic = 6755399441055744.0;
  const double q = std::clamp(coordinate * kSubpixelSteps, -1e12, 1e12);
  return static_cast<int64_t>((q + kRoundingMagic) - kRoundingMagic);
}

}  // namespace

LetterboxPadding crop_to_tensor(const Image& image, const RotatedRect& roi_in,
                                const TensorSpec& spec, std::span<float> out) {
  LetterboxPadding padding;
  const RotatedRect roi = spec.keep_aspect_ratio
                              ? pad_roi_to_aspect(roi_in, spec.width, spec.height, &padding)
                              : roi_in;
  const Sampler sampler(image, spec.border, spec.range_min, spec.range_max);
  const double c = std::cos(static_cast<double>(roi.rotation));
  const double s = std::sin(static_cast<double>(roi.rotation));
  // Source step per output pixel along u and v.
  const double du = static_cast<double>(roi.width) / spec.width;
  const double dv = static_cast<double>(roi.height) / spec.height;
  float* dst = out.data();
  for (int v = 0; v < spec.height; ++v) {
    const double oy = (v - 0.5 * spec.height) * dv;
    for (int u = 0; u < spec.width; ++u) {
      const double ox = (u - 0.5 * spec.width) * du;
      const double x = roi.x_center + c * ox - s * oy;
      const double y = roi.y_center + s * ox + c * oy;
      sampler.sample(quantize(x), quantize(y), dst);
      dst += 3;
    }
  }
  return padding;
}

RotatedRect whole_image_roi(const Image& image) {
  const float w = static_cast<float>(image.width), h = static_cast<float>(image.height);
  return {0.5f * w, 0.5f * h, w, h, 0.0f};
}

}  // namespace odin
