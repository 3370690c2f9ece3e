// Builds a float graph layer by layer with seeded weights, for model files
// made from an architecture's description (tools/build_model): the layers of
// real networks (convolutions with batch norm folded in, fully connected
// layers, attention's matmuls), each weight drawn from SplitMix64 with He
// scaling so activations keep their range through depth. Weights are fp32,
// or fp16 behind a DEQUANTIZE as in TFLite's fp16 models.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/attrs.h"
#include "core/graph.h"
#include "core/status.h"

namespace odin {

// What every architecture's builder takes.
struct ModelBuildOptions {
  uint64_t seed = 1;  // the weights' SplitMix64 seed
  bool fp16 = false;  // fp16 weights behind DEQUANTIZE nodes
};

// Folded batch norm shifts: small next to the unit-scale activations.
inline constexpr float kBiasBound = 0.1f;

class NetBuilder {
 public:
  explicit NetBuilder(const ModelBuildOptions& options)
      : seed_(options.seed), fp16_(options.fp16) {}

  ValueId input(const std::string& name, Shape shape);
  const Shape& shape(ValueId v) const { return g_.value(v).shape; }
  int64_t channels(ValueId v) const {
    return shape(v).rank() == 0 ? 1 : shape(v)[shape(v).rank() - 1];
  }

  // `gain` scales He's 1/sqrt(fan_in): sqrt(2) before a ReLU keeps the
  // second moment, 1 for a linear layer; below 1 for a residual branch.
  // Padding is SAME, the bias a folded batch norm's shift.
  ValueId conv(ValueId x, int64_t out_channels, int kernel, int stride, Activation act, float gain,
               Padding padding = Padding::kSame);
  ValueId depthwise(ValueId x, int kernel, int stride, Activation act, float gain);
  // A 1x1 conv without a bias (the bias=False layers).
  ValueId conv_no_bias(ValueId x, int64_t out_channels, float gain);
  // x [..., in] -> [..., out] (rank 2 input).
  ValueId fully_connected(ValueId x, int64_t out, Activation act, float gain);

  // Per-channel x * scale (+ shift), scale uniform in [lo, hi]: a batch norm
  // that cannot be folded into a neighbour, or a layer scale.
  ValueId channel_scale(ValueId x, float lo, float hi);
  ValueId channel_affine(ValueId x, float scale_lo, float scale_hi, float shift);

  ValueId add(ValueId a, ValueId b);
  ValueId mul(ValueId a, ValueId b);  // broadcasting
  ValueId unary(OpType op, ValueId x, OpAttrs attrs = {});
  // NHWC zero padding of `before` / `after` rows and columns (PyTorch's
  // symmetric padding, where TFLite's SAME would pad only after).
  ValueId pad_spatial(ValueId x, int before, int after);
  ValueId mean_spatial_keep(ValueId x);  // NHWC -> [N, 1, 1, C]
  ValueId mean_spatial(ValueId x);       // NHWC -> [N, C]
  ValueId reshape(ValueId x, std::vector<int32_t> new_shape);
  ValueId batch_matmul(ValueId x, ValueId y, bool adj_y);
  ValueId softmax(ValueId x);
  // MEAN or SUM over `axes`.
  ValueId reduce(OpType op, ValueId x, const std::vector<int32_t>& axes, bool keep_dims);
  ValueId concat(std::vector<ValueId> xs, int32_t axis);
  // NHWC nearest-neighbour upsampling by an integer factor.
  ValueId resize_nearest(ValueId x, int factor);
  ValueId silu(ValueId x);  // x * LOGISTIC(x)

  // (x - mean) * RSQRT(variance + eps), mean and variance over `axes`, from
  // builtin ops only (MEAN, SQUARED_DIFFERENCE, SUB, ADD, RSQRT, MUL).
  ValueId normalize(ValueId x, const std::vector<int32_t>& axes, float eps);
  // GroupNorm of NHWC x (channels split into `groups` of consecutive
  // channels; x viewed as [N, H*W, groups, C/groups], normalized over axes
  // 1 and 3) with a seeded per-channel scale and shift.
  ValueId group_norm(ValueId x, int64_t groups, float eps);
  // LayerNorm over the last axis with a seeded per-channel scale and shift.
  ValueId layer_norm(ValueId x, float eps);

  // A He-scaled weight tensor of any shape (fp16 behind a DEQUANTIZE when
  // the weights are fp16), for layers written as BATCH_MATMUL.
  ValueId matmul_weight(Shape shape, int64_t fan_in, float gain);
  // A channel bias of `n` values in [-kBiasBound, kBiasBound].
  ValueId bias(int64_t n);
  // An fp32 constant (e.g. an epsilon), whatever the weights' precision.
  ValueId constant_f32(const std::vector<float>& values, Shape shape, std::string_view what);

  // Video layers (video_vae.cpp): a CONV_3D over NDHWC with a DHWIO filter
  // (SAME, stride 1), a depthwise conv with a kh x kw window, DEPTH_TO_SPACE.
  ValueId conv3d(ValueId x, int64_t out_channels, int kernel, Activation act, float gain);
  ValueId depthwise_window(ValueId x, int kh, int kw, Activation act, float gain);
  ValueId depth_to_space(ValueId x, int block);
  // Any op on given inputs, and constants that are not drawn weights (grids,
  // fixed filters): for layers built from several builtin ops (flow.cpp).
  ValueId apply(OpType op, OpAttrs attrs, std::vector<ValueId> inputs) {
    return node(op, std::move(attrs), std::move(inputs));
  }
  ValueId constant_ints(const std::vector<int32_t>& values) { return constant_i32(values, "ints"); }

  void set_name(ValueId v, std::string name) { g_.value(v).name = std::move(name); }

  // Marks the outputs and checks the graph.
  Result<Graph> finish(std::vector<ValueId> outputs);

 private:
  // A float weight of `shape`, uniform in [-bound, bound] (through fp16 and
  // a DEQUANTIZE when the weights are fp16).
  ValueId weight(const std::string& name, Shape shape, float lo, float hi);
  // A layer with a He-scaled weight and a bias of `outputs` values (named
  // what_w_N, what_b_N).
  ValueId weighted(std::string_view what, OpType op, OpAttrs attrs, ValueId x, Shape weight_shape,
                   int64_t outputs, int64_t fan_in, float gain, float bias_bound = kBiasBound);
  ValueId constant_i32(const std::vector<int32_t>& values, std::string_view what = "shape");
  ValueId node(OpType op, OpAttrs attrs, std::vector<ValueId> inputs);
  std::string next_name(std::string_view what);

  Graph g_;
  Status status_;  // the first failure; later calls do nothing
  uint64_t seed_;
  uint64_t draws_ = 0;  // tensors drawn so far: each gets its own stream
  bool fp16_;
};

}  // namespace odin
