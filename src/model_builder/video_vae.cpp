#include "model_builder/video_vae.h"

namespace odin {
namespace {

constexpr int64_t kFrames = 4, kLatentSize = 16, kLatentChannels = 16;
constexpr int64_t kWidth = 64;  // channels after conv_in; halved by each upsampling
// A residual branch's last layer: keeps the stream's variance growing slowly.
constexpr float kResidualGain = 0.4f;

// Activations are held as frames [T, H, W, C] (the batch is 1): 2D ops run
// on all frames at once; CONV_3D sees [1, T, H, W, C] through a RESHAPE.
class VideoVaeDecoder {
 public:
  explicit VideoVaeDecoder(const ModelBuildOptions& options) : b_(options) {}

  Result<Graph> build() {
    const ValueId latent =
        b_.input("latent", Shape({1, kFrames, kLatentSize, kLatentSize, kLatentChannels}));
    ValueId x = b_.conv3d(latent, kWidth, 3, Activation::kNone, 1.0f);
    x = frames(x);
    x = res_block(res_block(x));
    x = upsample(x, /*temporal=*/true);  // 8 frames of 32x32
    x = res_block(x);
    x = upsample(x, /*temporal=*/false);  // 8 frames of 64x64
    x = res_block(x);
    const Shape& s = b_.shape(x);
    x = b_.reshape(silu(x), {1, i32(s[0]), i32(s[1]), i32(s[2]), i32(s[3])});
    const ValueId video = b_.conv3d(x, 3, 3, Activation::kNone, 1.0f);
    b_.set_name(video, "video");
    return b_.finish({video});
  }

 private:
  static int32_t i32(int64_t v) { return static_cast<int32_t>(v); }

  // [1, T, H, W, C] -> [T, H, W, C].
  ValueId frames(ValueId x) {
    const Shape& s = b_.shape(x);
    return b_.reshape(x, {i32(s[1]), i32(s[2]), i32(s[3]), i32(s[4])});
  }

  ValueId silu(ValueId x) { return b_.mul(x, b_.unary(OpType::kLogistic, x)); }

  // The 3D depthwise-separable convolution: a 3x3x3 depthwise window
  // factored into a spatial 3x3 depthwise conv over every frame and a
  // temporal 3-tap depthwise conv ([1, T, H*W, C], a 3x1 window), then
  // the pointwise 1x1x1 conv mixing channels.
  ValueId dw_separable(ValueId x, float gain) {
    const Shape s = b_.shape(x);
    x = b_.depthwise(x, 3, 1, Activation::kNone, 1.0f);
    x = b_.reshape(x, {1, i32(s[0]), i32(s[1] * s[2]), i32(s[3])});
    x = b_.depthwise_window(x, 3, 1, Activation::kNone, 1.0f);
    x = b_.reshape(x, {i32(s[0]), i32(s[1]), i32(s[2]), i32(s[3])});
    return b_.conv(x, s[3], 1, 1, Activation::kNone, gain);
  }

  ValueId res_block(ValueId x) {
    ValueId y = dw_separable(silu(x), 1.4f);
    y = dw_separable(silu(y), kResidualGain);
    return b_.add(x, y);
  }

  // The decoupled 3D pixel shuffle: spatial, a 1x1 conv to 4 * C/2 channels
  // and DEPTH_TO_SPACE 2; temporal, frame t's two 1x1 convs become frames
  // 2t and 2t + 1 ([T, 1, H*W, C] twice, concatenated on axis 1: a
  // RESHAPE/CONCATENATION shuffle, no rank > 4 TRANSPOSE).
  ValueId upsample(ValueId x, bool temporal) {
    const int64_t c = b_.channels(x) / 2;
    x = b_.depth_to_space(b_.conv(x, 4 * c, 1, 1, Activation::kNone, 1.0f), 2);
    if (!temporal) return x;
    const Shape s = b_.shape(x);
    const std::vector<int32_t> one = {i32(s[0]), 1, i32(s[1] * s[2]), i32(c)};
    const ValueId even = b_.reshape(b_.conv(x, c, 1, 1, Activation::kNone, 1.0f), one);
    const ValueId odd = b_.reshape(b_.conv(x, c, 1, 1, Activation::kNone, 1.0f), one);
    return b_.reshape(b_.concat({even, odd}, 1), {i32(2 * s[0]), i32(s[1]), i32(s[2]), i32(c)});
  }

  NetBuilder b_;
};

}  // namespace

Result<Graph> build_video_vae_decoder(const ModelBuildOptions& options) {
  return VideoVaeDecoder(options).build();
}

}  // namespace odin
