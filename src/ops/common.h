// Attribute vocabulary shared by many ops: padding modes, fused activations,
// and TFLite's exact output-size/padding arithmetic.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>

namespace odin {

enum class Padding : uint8_t { kSame, kValid };

enum class Activation : uint8_t { kNone, kRelu, kReluN1To1, kRelu6, kTanh, kSignBit };

const char* activation_name(Activation act);

// The fused activation, as TFLite applies it after conv/FC/add/etc.
inline float apply_activation(Activation act, float x) {
  switch (act) {
    case Activation::kNone:
      return x;
    case Activation::kRelu:
      return std::max(x, 0.0f);
    case Activation::kReluN1To1:
      return std::min(std::max(x, -1.0f), 1.0f);
    case Activation::kRelu6:
      return std::min(std::max(x, 0.0f), 6.0f);
    case Activation::kTanh:
      return std::tanh(x);
    case Activation::kSignBit:
      return std::signbit(x) ? 1.0f : 0.0f;
  }
  return x;
}

// Output size and leading padding along one spatial axis, computed exactly as
// TFLite does (tensorflow/lite/kernels/padding.h: ComputeOutSize and
// ComputePaddingWithOffset). For SAME the extra odd pixel goes at the end.
struct SpatialPadding {
  int64_t out = 0;
  int64_t before = 0;  // padding added before the first input element
  int64_t after = 0;
};
SpatialPadding compute_spatial_padding(Padding padding, int64_t in, int64_t filter, int64_t stride,
                                       int64_t dilation);

}  // namespace odin
