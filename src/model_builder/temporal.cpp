#include "model_builder/temporal.h"

#include <cmath>

namespace odin {
namespace {

constexpr int32_t kPositions = 64, kFrames = 8, kChannels = 512;
constexpr int kBlocks = 2;
constexpr int kMlpRatio = 4;
constexpr float kResidualGain = 0.3f;

class Temporal {
 public:
  explicit Temporal(const ModelBuildOptions& options) : b_(options) {}

  Result<Graph> build() {
    const ValueId in = b_.input("features", Shape({kPositions, kFrames, kChannels}));
    ValueId x = b_.reshape(in, {kPositions * kFrames, kChannels});  // tokens
    for (int i = 0; i < kBlocks; ++i) {
      x = b_.add(x, temporal_conv(x));
      x = b_.add(x, frame_attention(x));
      x = b_.add(x, mlp(x));
    }
    const ValueId out = b_.reshape(x, {kPositions, kFrames, kChannels});
    b_.set_name(out, "features_out");
    return b_.finish({out});
  }

 private:
  ValueId linear(ValueId x, int64_t out, float gain) {
    return b_.fully_connected(x, out, Activation::kNone, gain);
  }

  // A 3-tap depthwise conv along the frames of each position ([1, P, T, C],
  // a 1x3 window), then a pointwise linear layer.
  ValueId temporal_conv(ValueId x) {
    ValueId y = b_.reshape(x, {1, kPositions, kFrames, kChannels});
    y = b_.depthwise_window(y, 1, 3, Activation::kNone, 1.0f);
    y = b_.reshape(y, {kPositions * kFrames, kChannels});
    return linear(y, kChannels, kResidualGain);
  }

  // Single-head attention over the 8 frames of each position: softmax(Q K^T
  // / sqrt(C)) V as BATCH_MATMULs batched over positions, then the output
  // projection. The 1 / sqrt(C) is folded into Q's weights.
  ValueId frame_attention(ValueId x) {
    const float scale = 1.0f / std::sqrt(static_cast<float>(kChannels));
    const ValueId q = b_.reshape(linear(x, kChannels, scale), {kPositions, kFrames, kChannels});
    const ValueId k = b_.reshape(linear(x, kChannels, 1.0f), {kPositions, kFrames, kChannels});
    const ValueId v = b_.reshape(linear(x, kChannels, 1.0f), {kPositions, kFrames, kChannels});
    const ValueId attn = b_.softmax(b_.batch_matmul(q, k, /*adj_y=*/true));
    const ValueId o =
        b_.reshape(b_.batch_matmul(attn, v, false), {kPositions * kFrames, kChannels});
    return linear(o, kChannels, kResidualGain);
  }

  ValueId mlp(ValueId x) {
    const ValueId h = b_.unary(OpType::kGelu, linear(x, kChannels * kMlpRatio, std::sqrt(2.0f)),
                               GeluAttrs{.approximate = false});
    return linear(h, kChannels, kResidualGain);
  }

  NetBuilder b_;
};

}  // namespace

Result<Graph> build_temporal(const ModelBuildOptions& options) {
  return Temporal(options).build();
}

}  // namespace odin
