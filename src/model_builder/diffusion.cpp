#include "model_builder/diffusion.h"

#include <array>
#include <cmath>

namespace odin {
namespace {

const float kSiluGain = std::sqrt(2.0f);  // He's ReLU gain: SiLU keeps about as much
// A residual branch's last layer adds a quarter of the stream's variance.
constexpr float kResidualGain = 0.5f;
constexpr int64_t kGroups = 8;  // GroupNorm groups (SD: 32, at 4x-8x the widths here)

// The layers both models share (SD's ResnetBlock2D and attention), on one
// NetBuilder.
class DiffusionLayers {
 public:
  explicit DiffusionLayers(const ModelBuildOptions& options) : b_(options) {}

 protected:
  // SD's ResnetBlock2D: GN, SiLU, 3x3 conv, (+ the time embedding's
  // projection), GN, SiLU, 3x3 conv; a 1x1 shortcut when the width changes.
  ValueId resnet(ValueId x, int64_t out, ValueId temb, float eps) {
    ValueId h =
        b_.conv(b_.silu(b_.group_norm(x, kGroups, eps)), out, 3, 1, Activation::kNone, kSiluGain);
    if (temb != kNoValue) {
      const ValueId t = b_.fully_connected(b_.silu(temb), out, Activation::kNone, 1.0f);
      h = b_.add(h, b_.reshape(t, {1, 1, 1, static_cast<int32_t>(out)}));
    }
    h = b_.conv(b_.silu(b_.group_norm(h, kGroups, eps)), out, 3, 1, Activation::kNone,
                kResidualGain);
    const ValueId shortcut =
        b_.channels(x) == out ? x : b_.conv(x, out, 1, 1, Activation::kNone, 1.0f);
    return b_.add(shortcut, h);
  }

  // Upsample2D: nearest 2x, then a 3x3 conv.
  ValueId upsample(ValueId x) {
    return b_.conv(b_.resize_nearest(x, 2), b_.channels(x), 3, 1, Activation::kNone, 1.0f);
  }

  // Multi-head attention of queries x [1, T, C] over keys and values from
  // `context` [1, S, D], without a transpose: the projections are
  // BATCH_MATMULs by per-head weights [heads, C, d] (x broadcast over the
  // heads), giving Q [heads, T, d] directly; the output projection is
  // [heads, d, C] per head, summed over the heads (= concat, then linear).
  // 1/sqrt(d) is folded into the query weights.
  ValueId attention(ValueId x, ValueId context, int64_t heads) {
    const int64_t c = b_.channels(x), dc = b_.channels(context), d = c / heads;
    const auto proj = [&](ValueId in, int64_t in_dim, float gain) {
      return b_.batch_matmul(in, b_.matmul_weight(Shape({heads, in_dim, d}), in_dim, gain), false);
    };
    const ValueId q = proj(x, c, 1.0f / std::sqrt(static_cast<float>(d)));
    const ValueId k = proj(context, dc, 1.0f);
    const ValueId v = proj(context, dc, 1.0f);
    const ValueId p = b_.softmax(b_.batch_matmul(q, k, /*adj_y=*/true));
    // One value per statement: the order of a call's arguments differs
    // between compilers, and the order values are made in sets the bytes.
    const ValueId w_out = b_.matmul_weight(Shape({heads, d, c}), c, kResidualGain);
    const ValueId o = b_.batch_matmul(b_.batch_matmul(p, v, false), w_out, false);
    const ValueId bias = b_.bias(c);
    return b_.add(b_.reduce(OpType::kSum, o, {0}, true), bias);
  }

  // [1, H, W, C] <-> [1, H*W, C]
  ValueId tokens(ValueId x) {
    const Shape& s = b_.shape(x);
    return b_.reshape(x, {1, static_cast<int32_t>(s[1] * s[2]), static_cast<int32_t>(s[3])});
  }
  ValueId image(ValueId t, const Shape& like) {
    return b_.reshape(t, {1, static_cast<int32_t>(like[1]), static_cast<int32_t>(like[2]),
                          static_cast<int32_t>(b_.channels(t))});
  }

  NetBuilder b_;
};

// The SnapFusion efficient UNet's structure (Sec. 3, Fig. 3: SD-v1.5's UNet
// with cross-attention blocks removed at the highest resolution and the
// rest kept per stage) at 1/10 of its widths and one block per stage:
// conv_in; a down stage at 32x32 (ResNet), a strided-conv downsample; a
// cross-attention down stage at 16x16 (ResNet + Transformer); the mid
// block (ResNet, Transformer, ResNet); the up stages mirror the down ones
// with their outputs concatenated (skip connections), nearest 2x
// upsampling + conv between; GN, SiLU, conv_out. Transformer2DModel as in
// SD-v1.5: GN, proj_in, self-attention, cross-attention on the text, GEGLU
// feed-forward (each after a LayerNorm, residual), proj_out, residual.
constexpr int64_t kUnetWidths[2] = {32, 64};
constexpr int64_t kUnetHeads = 4;    // SD-v1.5: 8 heads of 40..160
constexpr int64_t kTimeDim = 64;     // the sinusoidal features (SD: 320)
constexpr int64_t kTimeEmbed = 128;  // the time embedding (SD: 4 x 320)
constexpr int64_t kTextTokens = 16;  // SD: 77
constexpr int64_t kTextDim = 64;     // SD-v1.5: CLIP's 768
constexpr int64_t kFeedForwardMult = 4;
constexpr float kUnetGnEps = 1e-5f, kUnetLnEps = 1e-5f;

class UnetBlock : public DiffusionLayers {
 public:
  using DiffusionLayers::DiffusionLayers;

  Result<Graph> build() {
    const ValueId latent = b_.input("latent", Shape({1, 32, 32, 4}));
    const ValueId t = b_.input("time_features", Shape({1, kTimeDim}));
    text_ = b_.input("text", Shape({1, kTextTokens, kTextDim}));
    // The time embedding: linear, SiLU, linear.
    const ValueId h_t = b_.fully_connected(t, kTimeEmbed, Activation::kNone, 1.0f);
    temb_ = b_.fully_connected(b_.silu(h_t), kTimeEmbed, Activation::kNone, kSiluGain);

    ValueId x = b_.conv(latent, kUnetWidths[0], 3, 1, Activation::kNone, 1.0f);
    const ValueId skip0 = resnet(x, kUnetWidths[0], temb_, kUnetGnEps);  // down 0, 32x32
    x = b_.conv(b_.pad_spatial(skip0, 1, 1), kUnetWidths[0], 3, 2, Activation::kNone, 1.0f,
                Padding::kValid);  // Downsample2D
    const ValueId skip1 = transformer(resnet(x, kUnetWidths[1], temb_, kUnetGnEps));  // 16x16
    x = resnet(transformer(resnet(skip1, kUnetWidths[1], temb_, kUnetGnEps)), kUnetWidths[1], temb_,
               kUnetGnEps);  // the mid block
    x = transformer(resnet(b_.concat({x, skip1}, 3), kUnetWidths[1], temb_, kUnetGnEps));  // up 1
    x = upsample(x);
    x = resnet(b_.concat({x, skip0}, 3), kUnetWidths[0], temb_, kUnetGnEps);  // up 0, 32x32
    x = b_.conv(b_.silu(b_.group_norm(x, kGroups, kUnetGnEps)), 4, 3, 1, Activation::kNone, 1.0f);
    b_.set_name(x, "noise");
    return b_.finish({x});
  }

 private:
  ValueId transformer(ValueId x) {
    const int64_t c = b_.channels(x);
    ValueId h = b_.conv(b_.group_norm(x, kGroups, kUnetGnEps), c, 1, 1, Activation::kNone, 1.0f);
    h = tokens(h);
    ValueId n = b_.layer_norm(h, kUnetLnEps);
    h = b_.add(h, attention(n, n, kUnetHeads));
    h = b_.add(h, attention(b_.layer_norm(h, kUnetLnEps), text_, kUnetHeads));
    h = b_.add(h, geglu_feed_forward(b_.layer_norm(h, kUnetLnEps)));
    h = b_.conv(image(h, b_.shape(x)), c, 1, 1, Activation::kNone, kResidualGain);
    return b_.add(x, h);
  }

  // GEGLU: (x W1) * GELU(x W2), then a linear layer (SD's FeedForward: one
  // projection to twice the inner width, split in halves: two here).
  ValueId geglu_feed_forward(ValueId x) {
    const auto& s = b_.shape(x);
    const int64_t c = b_.channels(x), inner = c * kFeedForwardMult;
    ValueId rows = b_.reshape(x, {static_cast<int32_t>(s[1]), static_cast<int32_t>(c)});
    const ValueId a = b_.fully_connected(rows, inner, Activation::kNone, 1.0f);
    const ValueId gate =
        b_.unary(OpType::kGelu, b_.fully_connected(rows, inner, Activation::kNone, 1.0f),
                 GeluAttrs{.approximate = false});
    const ValueId y = b_.fully_connected(b_.mul(a, gate), c, Activation::kNone, kResidualGain);
    return b_.reshape(y, {1, static_cast<int32_t>(s[1]), static_cast<int32_t>(c)});
  }

  ValueId temb_ = kNoValue, text_ = kNoValue;
};

// SD's VAE decoder (AutoencoderKL, the LDM paper's f=8 KL autoencoder;
// diffusers' Decoder): post_quant_conv 1x1; conv_in 3x3; the mid block
// (ResNet, single-head self-attention, ResNet); four up blocks of three
// ResNets at widths 512, 512, 256, 128 (here 1/8: 64, 64, 32, 16), the
// first three ending in nearest 2x + 3x3 conv; GN, SiLU, conv_out to RGB.
constexpr std::array<int64_t, 4> kVaeWidths = {64, 64, 32, 16};
constexpr int kVaeResnetsPerBlock = 3;  // layers_per_block + 1
constexpr float kVaeEps = 1e-6f;

class VaeDecoder : public DiffusionLayers {
 public:
  using DiffusionLayers::DiffusionLayers;

  Result<Graph> build() {
    const ValueId z = b_.input("latent", Shape({1, 8, 8, 4}));
    ValueId x = b_.conv(z, 4, 1, 1, Activation::kNone, 1.0f);  // post_quant_conv
    x = b_.conv(x, kVaeWidths[0], 3, 1, Activation::kNone, 1.0f);
    x = resnet(x, kVaeWidths[0], kNoValue, kVaeEps);
    x = self_attention(x);
    x = resnet(x, kVaeWidths[0], kNoValue, kVaeEps);
    for (size_t i = 0; i < kVaeWidths.size(); ++i) {
      for (int r = 0; r < kVaeResnetsPerBlock; ++r) x = resnet(x, kVaeWidths[i], kNoValue, kVaeEps);
      if (i + 1 < kVaeWidths.size()) x = upsample(x);
    }
    x = b_.conv(b_.silu(b_.group_norm(x, kGroups, kVaeEps)), 3, 3, 1, Activation::kNone, 1.0f);
    b_.set_name(x, "image");
    return b_.finish({x});
  }

 private:
  // The mid block's attention: GN, one head over every pixel, residual.
  ValueId self_attention(ValueId x) {
    const ValueId t = tokens(b_.group_norm(x, kGroups, kVaeEps));
    return b_.add(x, image(attention(t, t, 1), b_.shape(x)));
  }
};

}  // namespace

Result<Graph> build_unet_block(const ModelBuildOptions& options) {
  return UnetBlock(options).build();
}

Result<Graph> build_vae_decoder(const ModelBuildOptions& options) {
  return VaeDecoder(options).build();
}

}  // namespace odin
