#include "model_builder/flow.h"

#include <cmath>

namespace odin {
namespace {

constexpr int64_t kImage = 64, kFeature = 16;  // features at 1/4 of the image
constexpr int64_t kChannels = 32;
constexpr int kRadius = 3;  // displacements -3..3 in x and y: 49 correlations
const float kReluGain = std::sqrt(2.0f);

class FlowNet {
 public:
  explicit FlowNet(const ModelBuildOptions& options) : b_(options) {}

  Result<Graph> build() {
    const ValueId image1 = b_.input("image1", Shape({1, kImage, kImage, 3}));
    const ValueId image2 = b_.input("image2", Shape({1, kImage, kImage, 3}));
    const ValueId f1 = encoder(image1);
    const ValueId f2 = encoder(image2);
    auto [fx, fy] = flow_head(b_.concat({correlation(f1, f2), f1}, 3));
    // Refinement: the second features warped by the flow, correlated again.
    const ValueId warped = warp(f2, fx, fy);
    auto [dx, dy] = flow_head(b_.concat({correlation(f1, warped), f1, fx, fy}, 3));
    const ValueId flow = b_.concat({b_.add(fx, dx), b_.add(fy, dy)}, 3);
    // To the image: bilinear upsampling, displacements scaled with it.
    ResizeAttrs r;
    r.half_pixel_centers = true;
    const ValueId up = b_.apply(OpType::kResizeBilinear, r,
                                {flow, b_.constant_ints({int32_t{kImage}, int32_t{kImage}})});
    const ValueId out =
        b_.mul(up, b_.constant_f32({static_cast<float>(kImage / kFeature)}, Shape({1}), "scale"));
    b_.set_name(out, "flow");
    return b_.finish({out});
  }

 private:
  // Conv 3x3 s2, a depthwise-separable s2 block, two 3x3 convs: 1/4 resolution.
  ValueId encoder(ValueId x) {
    x = b_.conv(x, 16, 3, 2, Activation::kRelu, kReluGain);
    x = b_.depthwise(x, 3, 2, Activation::kRelu, kReluGain);
    x = b_.conv(x, kChannels, 1, 1, Activation::kRelu, kReluGain);
    x = b_.conv(x, kChannels, 3, 1, Activation::kRelu, kReluGain);
    return b_.conv(x, kChannels, 3, 1, Activation::kNone, 1.0f);
  }

  // The local cost volume: for each displacement (dy, dx) in the radius, the
  // channel mean of a(y, x) * b(y + dy, x + dx) (zero past the edges). The
  // shifted copies of b come from one depthwise conv with a fixed one-hot
  // filter and depth multiplier D = (2r + 1)^2 (channel c * D + d is channel
  // c shifted by displacement d); then a broadcasting MUL and a MEAN.
  ValueId correlation(ValueId a, ValueId b) {
    const int k = 2 * kRadius + 1, d = k * k;
    const int64_t c = b_.channels(b);
    std::vector<float> onehot(static_cast<size_t>(k * k * c * d), 0.0f);
    for (int64_t ch = 0; ch < c; ++ch)
      for (int disp = 0; disp < d; ++disp)  // tap (ky, kx) = disp: shift (ky - r, kx - r)
        onehot[static_cast<size_t>(disp * c * d + ch * d + disp)] = 1.0f;
    DepthwiseConv2DAttrs dw;
    dw.padding = Padding::kSame;
    dw.depth_multiplier = d;
    const ValueId shifted =
        b_.apply(OpType::kDepthwiseConv2D, dw,
                 {b, b_.constant_f32(onehot, Shape({1, k, k, c * d}), "shift"),
                  b_.constant_f32(std::vector<float>(static_cast<size_t>(c * d), 0.0f),
                                  Shape({c * d}), "zero")});
    const int32_t p = kFeature * kFeature;
    // One value per statement where the order matters: the order of a
    // call's arguments differs between compilers (and sets the bytes).
    const ValueId a_rows = b_.reshape(a, {p, int32_t(c), 1});
    const ValueId prod = b_.mul(b_.reshape(shifted, {p, int32_t(c), d}), a_rows);
    const ValueId mean =
        b_.apply(OpType::kMean, ReduceAttrs{.keep_dims = false}, {prod, b_.constant_ints({1})});
    return b_.reshape(mean, {1, kFeature, kFeature, d});
  }

  // Two 3x3 convs and the x and y displacements (one 1x1-channel conv each).
  std::pair<ValueId, ValueId> flow_head(ValueId x) {
    x = b_.conv(x, 64, 3, 1, Activation::kRelu, kReluGain);
    x = b_.conv(x, 32, 3, 1, Activation::kRelu, kReluGain);
    return {b_.conv(x, 1, 3, 1, Activation::kNone, 1.0f),
            b_.conv(x, 1, 3, 1, Activation::kNone, 1.0f)};
  }

  // Bilinear warping as a matrix product: the sample weights of output
  // pixel p at source pixel (qy, qx) are tent(sy_p - qy) * tent(sx_p - qx),
  // tent(t) = max(0, 1 - |t|), where (sx, sy) = p's position plus its flow;
  // outside the image nothing is sampled (zeros). [P, H*W] x [H*W, C].
  ValueId warp(ValueId f, ValueId fx, ValueId fy) {
    const int32_t h = kFeature, w = kFeature, p = h * w, c = int32_t(b_.channels(f));
    std::vector<float> gx(static_cast<size_t>(p)), gy(static_cast<size_t>(p)),
        q(static_cast<size_t>(w));
    for (int32_t i = 0; i < p; ++i) {
      gx[static_cast<size_t>(i)] = static_cast<float>(i % w);
      gy[static_cast<size_t>(i)] = static_cast<float>(i / w);
    }
    for (int32_t i = 0; i < w; ++i) q[static_cast<size_t>(i)] = static_cast<float>(i);
    const ValueId grid_x = b_.constant_f32(gx, Shape({p, 1}), "grid_x");
    const ValueId sx = b_.add(b_.reshape(fx, {p, 1}), grid_x);
    const ValueId grid_y = b_.constant_f32(gy, Shape({p, 1}), "grid_y");
    const ValueId sy = b_.add(b_.reshape(fy, {p, 1}), grid_y);
    const ValueId tx = tent(sx, b_.constant_f32(q, Shape({1, w}), "cols"));  // [P, W]
    const ValueId ty = tent(sy, b_.constant_f32(q, Shape({1, h}), "rows"));  // [P, H]
    const ValueId tx_rows = b_.reshape(tx, {p, 1, w});
    const ValueId m = b_.reshape(b_.mul(b_.reshape(ty, {p, h, 1}), tx_rows), {p, h * w});
    const ValueId warped = b_.batch_matmul(m, b_.reshape(f, {h * w, c}), false);
    return b_.reshape(warped, {1, h, w, c});
  }

  // max(0, 1 - |s - q|) with |t| = relu(t) + relu(-t) (no cancellation).
  ValueId tent(ValueId s, ValueId q) {
    const ValueId pos = b_.unary(OpType::kRelu, b_.apply(OpType::kSub, BinaryAttrs{}, {s, q}));
    const ValueId neg = b_.unary(OpType::kRelu, b_.apply(OpType::kSub, BinaryAttrs{}, {q, s}));
    const ValueId one = b_.constant_f32({1.0f}, Shape({1}), "one");
    return b_.unary(OpType::kRelu, b_.apply(OpType::kSub, BinaryAttrs{}, {one, b_.add(pos, neg)}));
  }

  NetBuilder b_;
};

}  // namespace

Result<Graph> build_flow(const ModelBuildOptions& options) {
  return FlowNet(options).build();
}

}  // namespace odin
