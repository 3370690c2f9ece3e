// Rotated ROI -> model input tensor: MediaPipe's ImageToTensorCalculator on
// the CPU (OpenCV converter, mediapipe/calculators/tensor/
// image_to_tensor_converter_opencv.cc and image_to_tensor_utils.cc).
#pragma once

#include <span>

#include "vision/geometry.h"
#include "vision/image.h"
#include "vision/letterbox.h"

namespace odin {

enum class BorderMode {
  kZero,       // BORDER_ZERO: samples outside the image are black
  kReplicate,  // border_mode unset: the nearest edge pixel
};

struct TensorSpec {
  int width = 0;
  int height = 0;
  float range_min = 0, range_max = 1;  // output_tensor_float_range
  bool keep_aspect_ratio = false;      // letterbox the ROI to the tensor's aspect
  BorderMode border = BorderMode::kZero;
};

// Samples `roi` (pixels, rotated about its centre) into `out` (height x
// width x 3 float32, RGB). Tensor pixel (u, v) reads the image at
// centre + R(rotation) * ((u/width - 0.5) * w, (v/height - 0.5) * h), with
// pixel centres at integer coordinates, bilinearly. Like OpenCV's 8-bit
// warpPerspective (INTER_LINEAR) it rounds the source position to 1/32
// pixel and the sampled value to an integer level before scaling to the
// range. Returns the letterbox padding (zero unless keep_aspect_ratio).
// `out` must hold width * height * 3 floats.
LetterboxPadding crop_to_tensor(const Image& image, const RotatedRect& roi, const TensorSpec& spec,
                                std::span<float> out);

// The ROI that covers the whole image.
RotatedRect whole_image_roi(const Image& image);

}  // namespace odin
