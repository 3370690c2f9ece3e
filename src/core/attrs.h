// The attributes a node can carry: one plain struct per op (or op family),
// plus the vocabulary they share (padding, fused activations, elementwise
// functions). Data only: what the attributes mean for shapes lives with each
// op's definition in src/ops, and the math in kernels/.
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <variant>
#include <vector>

#include "core/elementwise_fns.h"

namespace odin {

// kExplicit: the amounts are given (ExplicitPadding), e.g. after a PAD node
// was folded into a convolution (passes/fold_pad.cpp).
enum class Padding : uint8_t { kSame, kValid, kExplicit };

struct ExplicitPadding {
  int32_t top = 0, bottom = 0, left = 0, right = 0;
  bool operator==(const ExplicitPadding&) const = default;
};

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

// Output size and padding along one spatial axis, computed exactly as
// TFLite does (tensorflow/lite/kernels/padding.h: ComputeOutSize and
// ComputePaddingWithOffset). For SAME the extra odd pixel goes at the end;
// kExplicit takes `explicit_before` / `explicit_after` as given.
struct SpatialPadding {
  int64_t out = 0;
  int64_t before = 0;  // padding added before the first input element
  int64_t after = 0;
};
SpatialPadding compute_spatial_padding(Padding padding, int64_t in, int64_t filter, int64_t stride,
                                       int64_t dilation, int64_t explicit_before = 0,
                                       int64_t explicit_after = 0);

// The elementwise functions (core/elementwise_fns.h), kNone for ops that
// compute none.
enum class UnaryFn : int32_t {
  kNone = -1,
#define ODIN_UNARY_FN_ENUM(name, code) k##name = code,
  ODIN_UNARY_FNS(ODIN_UNARY_FN_ENUM)
#undef ODIN_UNARY_FN_ENUM
};
// Whether fn is one of ODIN_UNARY_FNS (not kNone or an unknown code).
constexpr bool is_unary_fn(UnaryFn fn) {
#define ODIN_UNARY_FN_IS(name, code) \
  if (fn == UnaryFn::k##name) return true;
  ODIN_UNARY_FNS(ODIN_UNARY_FN_IS)
#undef ODIN_UNARY_FN_IS
  return false;
}
enum class BinaryFn : int32_t {
  kNone = -1,
#define ODIN_BINARY_FN_ENUM(name, code) k##name = code,
  ODIN_BINARY_FNS(ODIN_BINARY_FN_ENUM)
#undef ODIN_BINARY_FN_ENUM
};

// A zero PAD folded into one operand of an elementwise binary op
// (passes/fold_pad.cpp): the op reads that operand unpadded and sees zeros
// in the `before` / `after` elements around it, per dim, dims right-aligned
// to 4 (the operand's rank is at most 4).
struct OperandPad {
  int32_t input = -1;  // the padded input (0 or 1); -1: none
  std::array<int64_t, 4> before{}, after{};
  bool active() const { return input >= 0; }
  bool operator==(const OperandPad&) const = default;
};

struct BinaryAttrs {
  Activation activation = Activation::kNone;
  OperandPad operand_pad{};
};

struct LeakyReluAttrs {
  float alpha = 0.2f;
};

struct GeluAttrs {
  bool approximate = false;  // tanh approximation instead of erf
};

// CONV_2D: NHWC input, OHWI filter, optional bias, fused activation.
struct Conv2DAttrs {
  Padding padding = Padding::kValid;
  int32_t stride_h = 1, stride_w = 1;
  int32_t dilation_h = 1, dilation_w = 1;
  Activation activation = Activation::kNone;
  ExplicitPadding pad{};  // used when padding == kExplicit
};

// DEPTHWISE_CONV_2D: NHWC input, [1, kh, kw, in_c * multiplier] filter.
struct DepthwiseConv2DAttrs {
  Padding padding = Padding::kValid;
  int32_t stride_h = 1, stride_w = 1;
  int32_t dilation_h = 1, dilation_w = 1;
  int32_t depth_multiplier = 1;
  Activation activation = Activation::kNone;
  ExplicitPadding pad{};  // used when padding == kExplicit
};

// Height and width padding of CONV_2D / DEPTHWISE_CONV_2D for an input of
// extent `in` and a filter of extent `filter` along that axis.
template <typename ConvAttrs>
SpatialPadding conv_padding_h(const ConvAttrs& a, int64_t in, int64_t filter) {
  return compute_spatial_padding(a.padding, in, filter, a.stride_h, a.dilation_h, a.pad.top,
                                 a.pad.bottom);
}
template <typename ConvAttrs>
SpatialPadding conv_padding_w(const ConvAttrs& a, int64_t in, int64_t filter) {
  return compute_spatial_padding(a.padding, in, filter, a.stride_w, a.dilation_w, a.pad.left,
                                 a.pad.right);
}

// CONV_3D: NDHWC input, [kd, kh, kw, in_c, out_c] filter (TFLite's DHWIO),
// optional bias, fused activation. No groups (TFLite's has none).
struct Conv3DAttrs {
  Padding padding = Padding::kValid;
  int32_t stride_d = 1, stride_h = 1, stride_w = 1;
  int32_t dilation_d = 1, dilation_h = 1, dilation_w = 1;
  Activation activation = Activation::kNone;
};

// TRANSPOSE_CONV and MediaPipe's Convolution2DTransposeBias.
struct TransposeConvAttrs {
  Padding padding = Padding::kValid;
  int32_t stride_h = 1, stride_w = 1;
  Activation activation = Activation::kNone;
};

struct FullyConnectedAttrs {
  Activation activation = Activation::kNone;
  bool keep_num_dims = false;
};

struct BatchMatMulAttrs {
  bool adj_x = false;
  bool adj_y = false;
};

// AVERAGE_POOL_2D and MAX_POOL_2D (windows clipped to the input, as TFLite).
struct Pool2DAttrs {
  Padding padding = Padding::kValid;
  int32_t stride_h = 1, stride_w = 1;
  int32_t filter_h = 1, filter_w = 1;
  Activation activation = Activation::kNone;
};

// MEAN and SUM; the axes are the second input.
struct ReduceAttrs {
  bool keep_dims = false;
};

struct SoftmaxAttrs {
  float beta = 1.0f;
};

struct ConcatenationAttrs {
  int32_t axis = 0;
  Activation activation = Activation::kNone;
};

struct ReshapeAttrs {
  std::vector<int32_t> new_shape;  // from ReshapeOptions; used when input 1 is absent
  bool has_new_shape = false;
};

struct SqueezeAttrs {
  std::vector<int32_t> squeeze_dims;
};

struct StridedSliceAttrs {
  int32_t begin_mask = 0, end_mask = 0, ellipsis_mask = 0, new_axis_mask = 0, shrink_axis_mask = 0;
  bool offset = false;  // end is relative to begin
};

struct GatherAttrs {
  int32_t axis = 0;
  int32_t batch_dims = 0;
};

// RESIZE_BILINEAR and RESIZE_NEAREST_NEIGHBOR.
struct ResizeAttrs {
  bool align_corners = false;
  bool half_pixel_centers = false;
};

// TFLite's source step per output pixel along an axis: in/out, or
// (in-1)/(out-1) with align_corners when out > 1.
float resize_scale(const ResizeAttrs& a, int64_t in, int64_t out);

// DEPTH_TO_SPACE and SPACE_TO_DEPTH.
struct BlockAttrs {
  int32_t block_size = 2;
};

// RMS_NORM over the last axis: x / sqrt(mean(x^2) + epsilon) * weight.
struct RmsNormAttrs {
  float epsilon = 1e-5f;
};

// ROPE: rotary position embedding of each head_dim-wide head of a row, by
// the row's position. `neox` rotates pairs (i, i + n_rot / 2) (GPT-NeoX,
// Qwen2); otherwise adjacent pairs (2i, 2i + 1) (Llama).
struct RopeAttrs {
  int32_t head_dim = 0;
  int32_t n_rot = 0;  // leading dims of each head rotated (== head_dim for Llama/Qwen)
  float theta_base = 10000.0f;
  bool neox = false;
};

// ATTENTION: causal, grouped-query attention over a KV cache; each row's
// keys and values are stored at its position first (see ops/attention.cpp).
struct AttentionAttrs {
  int32_t n_head = 0;
  int32_t n_kv_head = 0;
  int32_t head_dim = 0;  // of q and k
  float scale = 0.0f;    // applied to q.k; 0 means 1 / sqrt(head_dim)
  // Of each value head and output head; 0 means head_dim. Without a v input
  // and V cache, the values are the first v_head_dim of each K cache row.
  int32_t v_head_dim = 0;
  int32_t value_dim() const { return v_head_dim != 0 ? v_head_dim : head_dim; }
};

using OpAttrs =
    std::variant<std::monostate, BinaryAttrs, LeakyReluAttrs, GeluAttrs, Conv2DAttrs,
                 DepthwiseConv2DAttrs, Conv3DAttrs, TransposeConvAttrs, FullyConnectedAttrs,
                 BatchMatMulAttrs, Pool2DAttrs, ReduceAttrs, SoftmaxAttrs, ConcatenationAttrs,
                 ReshapeAttrs, SqueezeAttrs, StridedSliceAttrs, GatherAttrs, ResizeAttrs,
                 BlockAttrs, RmsNormAttrs, RopeAttrs, AttentionAttrs>;

}  // namespace odin
