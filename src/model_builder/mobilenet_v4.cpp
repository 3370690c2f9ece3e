#include "model_builder/mobilenet_v4.h"

#include <cmath>
#include <span>

namespace odin {
namespace {

enum class Block { kConv, kFusedIB, kUib, kMqa };

// One row of the paper's architecture tables (its appendix; the same specs
// as the authors' tensorflow/models mobilenet_v4.py). Unused fields stay 0.
struct BlockSpec {
  Block kind;
  int start_dw;   // UIB: the depthwise kernel before the expansion (0: none)
  int middle_dw;  // UIB: the one after it (0: none); kConv/kFusedIB: the kernel
  int stride;
  float expand;   // expansion ratio of the inverted bottleneck
  int out;        // output channels
  int kv_stride;  // Mobile MQA: K/V downsampling
};

constexpr BlockSpec conv(int kernel, int stride, int out) {
  return {Block::kConv, 0, kernel, stride, 0, out, 0};
}
constexpr BlockSpec fused_ib(int kernel, int stride, float expand, int out) {
  return {Block::kFusedIB, 0, kernel, stride, expand, out, 0};
}
// IB: (0, k); ConvNext: (k, 0); ExtraDW: (k1, k2); FFN: (0, 0).
constexpr BlockSpec uib(int start_dw, int middle_dw, int stride, float expand, int out) {
  return {Block::kUib, start_dw, middle_dw, stride, expand, out, 0};
}
constexpr BlockSpec mqa(int kv_stride, int out) {
  return {Block::kMqa, 0, 0, 1, 0, out, kv_stride};
}

// Mobile MQA of the hybrid models: 4 query heads, one shared K/V head of 64,
// a 3x3 depthwise for the K/V downsampling (paper Section 4).
constexpr int kHeads = 4;
constexpr int kHeadDim = 64;
constexpr int kKvDownsampleKernel = 3;

// After the last block: 1x1 conv to 960, global pool, 1280, 1000 classes.
constexpr int kHeadConv = 960;
constexpr int kFeatures = 1280;
constexpr int kClasses = 1000;

// MNV4-Conv-S (the paper's Conv-S table).
constexpr BlockSpec kConvSmall[] = {
    conv(3, 2, 32),                              // stem, 112px
    conv(3, 2, 32),       conv(1, 1, 32),        // 56px
    conv(3, 2, 96),       conv(1, 1, 64),        // 28px
    uib(5, 5, 2, 3, 96),                         // 14px: ExtraDW
    uib(0, 3, 1, 2, 96),  uib(0, 3, 1, 2, 96),   // IB
    uib(0, 3, 1, 2, 96),  uib(0, 3, 1, 2, 96),   //
    uib(3, 0, 1, 4, 96),                         // ConvNext
    uib(3, 3, 2, 6, 128), uib(5, 5, 1, 4, 128),  // 7px: ExtraDW
    uib(0, 5, 1, 4, 128), uib(0, 5, 1, 3, 128),  // IB
    uib(0, 3, 1, 4, 128), uib(0, 3, 1, 4, 128),  //
};

// MNV4-Conv-M (the paper's Conv-M table).
constexpr BlockSpec kConvMedium[] = {
    conv(3, 2, 32),                               // stem, 112px
    fused_ib(3, 2, 4, 48),                        // 56px
    uib(3, 5, 2, 4, 80),   uib(3, 3, 1, 2, 80),   // 28px
    uib(3, 5, 2, 6, 160),  uib(3, 3, 1, 4, 160),  // 14px
    uib(3, 3, 1, 4, 160),  uib(3, 5, 1, 4, 160),  //
    uib(3, 3, 1, 4, 160),  uib(3, 0, 1, 4, 160),  //
    uib(0, 0, 1, 2, 160),  uib(3, 0, 1, 4, 160),  // FFN, ConvNext
    uib(5, 5, 2, 6, 256),  uib(5, 5, 1, 4, 256),  // 7px
    uib(3, 5, 1, 4, 256),  uib(3, 5, 1, 4, 256),  //
    uib(0, 0, 1, 4, 256),  uib(3, 0, 1, 4, 256),  //
    uib(3, 5, 1, 2, 256),  uib(5, 5, 1, 4, 256),  //
    uib(0, 0, 1, 4, 256),  uib(0, 0, 1, 4, 256),  //
    uib(5, 0, 1, 2, 256),                         //
};

// MNV4-Hybrid-M (the paper's Hybrid-M table): Conv-M's stages with Mobile MQA blocks
// interleaved in the last two; K/V downsampled 2x at 14px only.
constexpr BlockSpec kHybridMedium[] = {
    conv(3, 2, 32),                               // stem, 112px
    fused_ib(3, 2, 4, 48),                        // 56px
    uib(3, 5, 2, 4, 80),   uib(3, 3, 1, 2, 80),   // 28px
    uib(3, 5, 2, 6, 160),  uib(0, 0, 1, 2, 160),  // 14px
    uib(3, 3, 1, 4, 160),  uib(3, 5, 1, 4, 160),  //
    mqa(2, 160),           uib(3, 3, 1, 4, 160),  //
    mqa(2, 160),           uib(3, 0, 1, 4, 160),  //
    mqa(2, 160),           uib(3, 3, 1, 4, 160),  //
    mqa(2, 160),           uib(3, 0, 1, 4, 160),  //
    uib(5, 5, 2, 6, 256),  uib(5, 5, 1, 4, 256),  // 7px
    uib(3, 5, 1, 4, 256),  uib(3, 5, 1, 4, 256),  //
    uib(0, 0, 1, 2, 256),  uib(3, 5, 1, 2, 256),  //
    uib(0, 0, 1, 2, 256),  uib(0, 0, 1, 4, 256),  //
    mqa(1, 256),           uib(3, 0, 1, 4, 256),  //
    mqa(1, 256),           uib(5, 5, 1, 4, 256),  //
    mqa(1, 256),           uib(5, 0, 1, 4, 256),  //
    mqa(1, 256),           uib(5, 0, 1, 4, 256),  //
};

const float kReluGain = std::sqrt(2.0f);
// A residual branch's last layer: its output adds a quarter of the stream's
// variance, so the stream grows slowly over a stage's blocks.
constexpr float kResidualGain = 0.5f;
// Layer scale (the hybrid models): the paper initialises it to 1e-5 for
// training; seeded in [0.1, 1] here so every branch shows in the outputs.
constexpr float kLayerScaleLo = 0.1f, kLayerScaleHi = 1.0f;

// Channels rounded to a multiple of 8 (the paper's make_divisible).
int64_t divisible_by_8(double channels) {
  const auto rounded = static_cast<int64_t>(std::floor((channels + 4) / 8)) * 8;
  return rounded < 0.9 * channels ? rounded + 8 : std::max<int64_t>(rounded, 8);
}

class MobileNetV4 {
 public:
  MobileNetV4(const ModelBuildOptions& options, bool layer_scale)
      : b_(options), layer_scale_(layer_scale) {}

  Result<Graph> build(std::span<const BlockSpec> blocks) {
    ValueId x = b_.input("image", Shape({1, 224, 224, 3}));
    for (const BlockSpec& s : blocks) x = block(x, s);
    x = b_.conv(x, kHeadConv, 1, 1, Activation::kRelu, kReluGain);
    x = b_.mean_spatial(x);
    x = b_.fully_connected(x, kFeatures, Activation::kRelu, kReluGain);
    const ValueId logits = b_.fully_connected(x, kClasses, Activation::kNone, 1.0f);
    b_.set_name(logits, "logits");
    return b_.finish({logits});
  }

 private:
  ValueId block(ValueId x, const BlockSpec& s) {
    switch (s.kind) {
      case Block::kConv:
        return b_.conv(x, s.out, s.middle_dw, s.stride, Activation::kRelu, kReluGain);
      case Block::kFusedIB: {
        const int64_t hidden = divisible_by_8(b_.channels(x) * s.expand);
        const ValueId h = b_.conv(x, hidden, s.middle_dw, s.stride, Activation::kRelu, kReluGain);
        return b_.conv(h, s.out, 1, 1, Activation::kNone, 1.0f);
      }
      case Block::kUib:
        return universal_inverted_bottleneck(x, s);
      case Block::kMqa:
        return mobile_mqa(x, s);
    }
    return x;
  }

  // Adds the branch to x, through a layer scale in the hybrid models.
  ValueId residual(ValueId x, ValueId branch) {
    if (layer_scale_) branch = b_.channel_scale(branch, kLayerScaleLo, kLayerScaleHi);
    return b_.add(x, branch);
  }

  // UIB (paper Fig. 4): optional depthwise, 1x1 expansion, optional
  // depthwise, 1x1 projection. The stride goes to the middle depthwise when
  // there is one, else to the first.
  ValueId universal_inverted_bottleneck(ValueId x, const BlockSpec& s) {
    const bool skip = s.stride == 1 && b_.channels(x) == s.out;
    ValueId y = x;
    if (s.start_dw > 0)
      y = b_.depthwise(y, s.start_dw, s.middle_dw > 0 ? 1 : s.stride, Activation::kNone, 1.0f);
    y = b_.conv(y, divisible_by_8(b_.channels(x) * s.expand), 1, 1, Activation::kRelu, kReluGain);
    if (s.middle_dw > 0) y = b_.depthwise(y, s.middle_dw, s.stride, Activation::kRelu, kReluGain);
    y = b_.conv(y, s.out, 1, 1, Activation::kNone, skip ? kResidualGain : 1.0f);
    return skip ? residual(x, y) : y;
  }

  // Mobile MQA (paper Section 4, Eq. 2): a batch-normed input, 4 query
  // heads, one K and one V head shared by them, both from the input
  // downsampled by a strided depthwise. Rows of the query matrix are
  // (pixel, head) pairs, so no transpose is needed; 1/sqrt(key dim) is
  // folded into the query weights.
  ValueId mobile_mqa(ValueId x, const BlockSpec& s) {
    const Shape& in = b_.shape(x);
    const auto h = static_cast<int32_t>(in[1]), w = static_cast<int32_t>(in[2]);
    const ValueId xn = b_.channel_affine(x, 0.8f, 1.2f, 0.1f);
    ValueId q = b_.conv(xn, kHeads * kHeadDim, 1, 1, Activation::kNone,
                        1.0f / std::sqrt(static_cast<float>(kHeadDim)));
    ValueId k = kv_input(xn, s.kv_stride);
    ValueId v = kv_input(xn, s.kv_stride);
    const auto kv_pixels = static_cast<int32_t>(b_.shape(k)[1] * b_.shape(k)[2]);
    k = b_.reshape(b_.conv(k, kHeadDim, 1, 1, Activation::kNone, 1.0f), {1, kv_pixels, kHeadDim});
    v = b_.reshape(b_.conv(v, kHeadDim, 1, 1, Activation::kNone, 1.0f), {1, kv_pixels, kHeadDim});
    q = b_.reshape(q, {1, h * w * kHeads, kHeadDim});
    const ValueId attention = b_.softmax(b_.batch_matmul(q, k, /*adj_y=*/true));
    ValueId o = b_.reshape(b_.batch_matmul(attention, v, false), {1, h, w, kHeads * kHeadDim});
    o = b_.conv(o, s.out, 1, 1, Activation::kNone, kResidualGain);
    return residual(x, o);
  }

  ValueId kv_input(ValueId x, int kv_stride) {
    if (kv_stride == 1) return x;
    return b_.depthwise(x, kKvDownsampleKernel, kv_stride, Activation::kNone, 1.0f);
  }

  NetBuilder b_;
  bool layer_scale_;
};

}  // namespace

Result<Graph> build_mobilenet_v4(MobileNetV4Variant variant, const ModelBuildOptions& options) {
  switch (variant) {
    case MobileNetV4Variant::kConvSmall:
      return MobileNetV4(options, false).build(kConvSmall);
    case MobileNetV4Variant::kConvMedium:
      return MobileNetV4(options, false).build(kConvMedium);
    case MobileNetV4Variant::kHybridMedium:
      return MobileNetV4(options, true).build(kHybridMedium);
  }
  return make_error(StatusCode::kInvalidArgument, "unknown MobileNetV4 variant");
}

}  // namespace odin
