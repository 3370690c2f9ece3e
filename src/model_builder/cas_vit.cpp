#include "model_builder/cas_vit.h"

#include <array>
#include <cmath>

namespace odin {
namespace {

// Blocks per stage and channels per stage (the paper's Table 1 variants, as
// the authors' rcvit_xs / rcvit_s / rcvit_m define them).
struct CasVitSpec {
  std::array<int, 4> depths;
  std::array<int64_t, 4> dims;
};
constexpr CasVitSpec kXS = {{2, 2, 4, 2}, {48, 56, 112, 220}};
constexpr CasVitSpec kS = {{3, 3, 6, 3}, {48, 64, 128, 256}};
constexpr CasVitSpec kM = {{3, 3, 6, 3}, {64, 96, 192, 384}};

constexpr int kMlpRatio = 4;
constexpr int kClasses = 1000;

const float kReluGain = std::sqrt(2.0f);
// A residual branch's last layer: three branches a block add ~9 % each to
// the stream's variance, so it grows slowly over the blocks.
constexpr float kResidualGain = 0.3f;

class CasVit {
 public:
  explicit CasVit(const ModelBuildOptions& options) : b_(options) {}

  Result<Graph> build(const CasVitSpec& spec) {
    ValueId x = b_.input("image", Shape({1, 224, 224, 3}));
    // Stem: two 3x3 stride-2 convs (PyTorch's padding 1 on both sides).
    x = strided_conv(x, spec.dims[0] / 2, Activation::kRelu, kReluGain);
    x = strided_conv(x, spec.dims[0], Activation::kRelu, kReluGain);
    for (size_t stage = 0; stage < spec.depths.size(); ++stage) {
      if (stage > 0)  // patch embedding: a 3x3 stride-2 conv and a batch norm
        x = strided_conv(x, spec.dims[stage], Activation::kNone, 1.0f);
      for (int i = 0; i < spec.depths[stage]; ++i) x = additive_block(x);
    }
    // The final batch norm folds into the classifier; the distillation head
    // averaged with the head at inference is one linear layer.
    const ValueId logits =
        b_.fully_connected(b_.mean_spatial(x), kClasses, Activation::kNone, 1.0f);
    b_.set_name(logits, "logits");
    return b_.finish({logits});
  }

 private:
  ValueId strided_conv(ValueId x, int64_t out, Activation act, float gain) {
    return b_.conv(b_.pad_spatial(x, 1, 1), out, 3, 2, act, gain, Padding::kValid);
  }

  ValueId gelu(ValueId x) { return b_.unary(OpType::kGelu, x, GeluAttrs{.approximate = false}); }
  ValueId sigmoid(ValueId x) { return b_.unary(OpType::kLogistic, x); }

  // x + local(x); x + mixer(norm(x)); x + mlp(norm(x)). The norms are batch
  // norms before 1x1 convs: folded into them.
  ValueId additive_block(ValueId x) {
    const int64_t dim = b_.channels(x);
    // Local integration: 1x1 (+ batch norm), 3x3 depthwise, GELU, 1x1.
    ValueId y = b_.conv(x, dim, 1, 1, Activation::kNone, 1.0f);
    y = gelu(b_.depthwise(y, 3, 1, Activation::kNone, kReluGain));
    x = b_.add(x, b_.conv(y, dim, 1, 1, Activation::kNone, kResidualGain));
    x = b_.add(x, additive_token_mixer(x));
    y = gelu(b_.conv(x, dim * kMlpRatio, 1, 1, Activation::kNone, kReluGain));
    return b_.add(x, b_.conv(y, dim, 1, 1, Activation::kNone, kResidualGain));
  }

  // Convolutional additive self-attention: Q, K, V from 1x1 convs (the
  // model's one 1x1 to 3 * dim, split: three convs here, no SPLIT op);
  // Q and K each through the spatial and the channel operation; then
  // proj(dwc(Q + K) * V), both 3x3 depthwise.
  ValueId additive_token_mixer(ValueId x) {
    const int64_t dim = b_.channels(x);
    const ValueId q = context(b_.conv_no_bias(x, dim, 1.0f));
    const ValueId k = context(b_.conv_no_bias(x, dim, 1.0f));
    const ValueId v = b_.conv_no_bias(x, dim, 1.0f);
    const ValueId mixed = b_.mul(b_.depthwise(b_.add(q, k), 3, 1, Activation::kNone, 1.0f), v);
    return b_.depthwise(mixed, 3, 1, Activation::kNone, kResidualGain);
  }

  // Spatial operation x * sigmoid(1x1 to one channel (relu(bn(dw3x3 x))))
  // then channel operation x * sigmoid(1x1 (global mean x)).
  ValueId context(ValueId x) {
    const ValueId s = b_.depthwise(x, 3, 1, Activation::kRelu, kReluGain);
    x = b_.mul(x, sigmoid(b_.conv_no_bias(s, 1, 1.0f)));
    return b_.mul(x, sigmoid(b_.conv_no_bias(b_.mean_spatial_keep(x), b_.channels(x), 1.0f)));
  }

  NetBuilder b_;
};

}  // namespace

Result<Graph> build_cas_vit(CasVitVariant variant, const ModelBuildOptions& options) {
  switch (variant) {
    case CasVitVariant::kXS:
      return CasVit(options).build(kXS);
    case CasVitVariant::kS:
      return CasVit(options).build(kS);
    case CasVitVariant::kM:
      return CasVit(options).build(kM);
  }
  return make_error(StatusCode::kInvalidArgument, "unknown CAS-ViT variant");
}

}  // namespace odin
