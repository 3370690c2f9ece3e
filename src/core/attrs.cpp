#include "core/attrs.h"

namespace odin {

const char* activation_name(Activation act) {
  switch (act) {
    case Activation::kNone:
      return "NONE";
    case Activation::kRelu:
      return "RELU";
    case Activation::kReluN1To1:
      return "RELU_N1_TO_1";
    case Activation::kRelu6:
      return "RELU6";
    case Activation::kTanh:
      return "TANH";
    case Activation::kSignBit:
      return "SIGN_BIT";
  }
  return "?";
}

SpatialPadding compute_spatial_padding(Padding padding, int64_t in, int64_t filter, int64_t stride,
                                       int64_t dilation, int64_t explicit_before,
                                       int64_t explicit_after) {
  SpatialPadding p;
  const int64_t effective = (filter - 1) * dilation + 1;
  switch (padding) {
    case Padding::kSame:
      p.out = (in + stride - 1) / stride;
      break;
    case Padding::kValid:
      p.out = (in - effective + stride) / stride;
      break;
    case Padding::kExplicit: {
      const int64_t padded = in + explicit_before + explicit_after;
      p.out = padded < effective ? 0 : (padded - effective) / stride + 1;
      p.before = explicit_before;
      p.after = explicit_after;
      return p;
    }
  }
  if (p.out < 0) p.out = 0;
  const int64_t total = std::max<int64_t>((p.out - 1) * stride + effective - in, 0);
  if (padding == Padding::kSame) {
    p.before = total / 2;
    p.after = total - p.before;
  }
  return p;
}

float resize_scale(const ResizeAttrs& a, int64_t in, int64_t out) {
  if (a.align_corners && out > 1) return static_cast<float>(in - 1) / static_cast<float>(out - 1);
  return static_cast<float>(in) / static_cast<float>(out);
}

}  // namespace odin
