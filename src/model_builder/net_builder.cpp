#include "model_builder/net_builder.h"

#include <cmath>
#include <cstring>

#include "core/splitmix.h"
#include "ops/op_def.h"
#include "quant/fp16.h"

namespace odin {

std::string NetBuilder::next_name(std::string_view what) {
  return str_cat(what, "_", g_.num_values());
}

ValueId NetBuilder::input(const std::string& name, Shape shape) {
  Value v;
  v.name = name;
  v.dtype = DType::kF32;
  v.shape = std::move(shape);
  const ValueId id = g_.add_value(std::move(v));
  g_.inputs().push_back(id);
  return id;
}

ValueId NetBuilder::weight(const std::string& name, Shape shape, float lo, float hi) {
  const auto n = static_cast<size_t>(shape.num_elements());
  // One stream per tensor: the model's seed and the tensor's position mixed
  // (the golden-ratio step SplitMix64 itself uses).
  const std::vector<float> values =
      splitmix_values(n, seed_ * 0x9E3779B97F4A7C15ull + ++draws_, lo, hi);
  Value v;
  v.name = name;
  v.shape = shape;
  std::vector<uint8_t> bytes;
  if (fp16_) {
    v.dtype = DType::kF16;
    bytes.resize(n * 2);
    fp32_to_fp16(values.data(), bytes.data(), n);
  } else {
    v.dtype = DType::kF32;
    bytes.resize(n * 4);
    std::memcpy(bytes.data(), values.data(), bytes.size());
  }
  v.data_bytes = bytes.size();
  v.data = g_.own_bytes(std::move(bytes));
  const ValueId stored = g_.add_value(std::move(v));
  if (!fp16_) return stored;
  return node(OpType::kDequantize, {}, {stored});
}

ValueId NetBuilder::constant_i32(const std::vector<int32_t>& values, std::string_view what) {
  Value v;
  v.name = next_name(what);
  v.dtype = DType::kI32;
  v.shape = Shape({static_cast<int64_t>(values.size())});
  std::vector<uint8_t> bytes(values.size() * sizeof(int32_t));
  std::memcpy(bytes.data(), values.data(), bytes.size());
  v.data_bytes = bytes.size();
  v.data = g_.own_bytes(std::move(bytes));
  return g_.add_value(std::move(v));
}

ValueId NetBuilder::constant_f32(const std::vector<float>& values, Shape shape,
                                 std::string_view what) {
  Value v;
  v.name = next_name(what);
  v.dtype = DType::kF32;
  v.shape = std::move(shape);
  std::vector<uint8_t> bytes(values.size() * sizeof(float));
  std::memcpy(bytes.data(), values.data(), bytes.size());
  v.data_bytes = bytes.size();
  v.data = g_.own_bytes(std::move(bytes));
  return g_.add_value(std::move(v));
}

ValueId NetBuilder::node(OpType op, OpAttrs attrs, std::vector<ValueId> inputs) {
  Value out;
  out.name = next_name(op_type_name(op));
  out.dtype = DType::kF32;
  const ValueId o = g_.add_value(std::move(out));
  Node n;
  n.op = op;
  n.attrs = std::move(attrs);
  n.inputs = std::move(inputs);
  n.outputs = {o};
  n.name = g_.value(o).name;
  const NodeId id = g_.add_node(std::move(n));
  if (status_.ok()) status_ = infer_node(g_, id);
  if (!status_.ok()) g_.value(o).shape = Shape({1});  // keeps later calls in bounds
  return o;
}

// He's bound for a uniform draw: std gain / sqrt(fan_in) is sqrt(3) times
// that at the edges.
static float he_bound(float gain, int64_t fan_in) {
  return gain * std::sqrt(3.0f / static_cast<float>(fan_in));
}

ValueId NetBuilder::weighted(std::string_view what, OpType op, OpAttrs attrs, ValueId x,
                             Shape weight_shape, int64_t outputs, int64_t fan_in, float gain,
                             float bias_bound) {
  const float b = he_bound(gain, fan_in);
  const ValueId w = weight(next_name(str_cat(what, "_w")), std::move(weight_shape), -b, b);
  const ValueId bias =
      weight(next_name(str_cat(what, "_b")), Shape({outputs}), -bias_bound, bias_bound);
  return node(op, std::move(attrs), {x, w, bias});
}

// SAME padding, square strides, the fused activation.
template <typename Attrs>
Attrs window_attrs(int stride, Activation act, Padding padding = Padding::kSame) {
  Attrs a;
  a.padding = padding;
  a.stride_h = a.stride_w = stride;
  a.activation = act;
  return a;
}

ValueId NetBuilder::conv(ValueId x, int64_t out_channels, int kernel, int stride, Activation act,
                         float gain, Padding padding) {
  const int64_t in = channels(x);
  return weighted("conv", OpType::kConv2D, window_attrs<Conv2DAttrs>(stride, act, padding), x,
                  Shape({out_channels, kernel, kernel, in}), out_channels, in * kernel * kernel,
                  gain);
}

ValueId NetBuilder::depthwise(ValueId x, int kernel, int stride, Activation act, float gain) {
  const int64_t c = channels(x);
  return weighted("dw", OpType::kDepthwiseConv2D, window_attrs<DepthwiseConv2DAttrs>(stride, act),
                  x, Shape({1, kernel, kernel, c}), c, kernel * kernel, gain);
}

ValueId NetBuilder::fully_connected(ValueId x, int64_t out, Activation act, float gain) {
  const int64_t in = channels(x);
  return weighted("fc", OpType::kFullyConnected, FullyConnectedAttrs{.activation = act}, x,
                  Shape({out, in}), out, in, gain);
}

ValueId NetBuilder::conv_no_bias(ValueId x, int64_t out_channels, float gain) {
  // A zero bias, as TFLite's converter writes one: LiteRT's CONV_2D refuses
  // a convolution without.
  const int64_t in = channels(x);
  return weighted("conv", OpType::kConv2D, window_attrs<Conv2DAttrs>(1, Activation::kNone), x,
                  Shape({out_channels, 1, 1, in}), out_channels, in, gain, 0.0f);
}

ValueId NetBuilder::channel_scale(ValueId x, float lo, float hi) {
  const ValueId s = weight(next_name("scale"), Shape({channels(x)}), lo, hi);
  return node(OpType::kMul, BinaryAttrs{}, {x, s});
}

ValueId NetBuilder::channel_affine(ValueId x, float scale_lo, float scale_hi, float shift) {
  const ValueId scaled = channel_scale(x, scale_lo, scale_hi);
  const ValueId t = weight(next_name("shift"), Shape({channels(x)}), -shift, shift);
  return node(OpType::kAdd, BinaryAttrs{}, {scaled, t});
}

ValueId NetBuilder::add(ValueId a, ValueId b) {
  return node(OpType::kAdd, BinaryAttrs{}, {a, b});
}

ValueId NetBuilder::mul(ValueId a, ValueId b) {
  return node(OpType::kMul, BinaryAttrs{}, {a, b});
}

ValueId NetBuilder::unary(OpType op, ValueId x, OpAttrs attrs) {
  return node(op, std::move(attrs), {x});
}

ValueId NetBuilder::pad_spatial(ValueId x, int before, int after) {
  const ValueId paddings = constant_i32({0, 0, before, after, before, after, 0, 0}, "paddings");
  g_.value(paddings).shape = Shape({4, 2});
  return node(OpType::kPad, {}, {x, paddings});
}

ValueId NetBuilder::mean_spatial_keep(ValueId x) {
  return node(OpType::kMean, ReduceAttrs{.keep_dims = true}, {x, constant_i32({1, 2}, "axes")});
}

ValueId NetBuilder::mean_spatial(ValueId x) {
  return node(OpType::kMean, ReduceAttrs{.keep_dims = false}, {x, constant_i32({1, 2}, "axes")});
}

ValueId NetBuilder::reshape(ValueId x, std::vector<int32_t> new_shape) {
  ReshapeAttrs a;
  a.new_shape = new_shape;
  a.has_new_shape = true;
  return node(OpType::kReshape, a, {x, constant_i32(new_shape)});
}

ValueId NetBuilder::batch_matmul(ValueId x, ValueId y, bool adj_y) {
  return node(OpType::kBatchMatMul, BatchMatMulAttrs{.adj_x = false, .adj_y = adj_y}, {x, y});
}

ValueId NetBuilder::softmax(ValueId x) {
  return node(OpType::kSoftmax, SoftmaxAttrs{}, {x});
}

ValueId NetBuilder::reduce(OpType op, ValueId x, const std::vector<int32_t>& axes, bool keep_dims) {
  return node(op, ReduceAttrs{.keep_dims = keep_dims}, {x, constant_i32(axes, "axes")});
}

ValueId NetBuilder::concat(std::vector<ValueId> xs, int32_t axis) {
  return node(OpType::kConcatenation, ConcatenationAttrs{.axis = axis}, std::move(xs));
}

ValueId NetBuilder::resize_nearest(ValueId x, int factor) {
  const Shape& s = shape(x);
  const ValueId size = constant_i32(
      {static_cast<int32_t>(s[1] * factor), static_cast<int32_t>(s[2] * factor)}, "size");
  return node(OpType::kResizeNearestNeighbor, ResizeAttrs{}, {x, size});
}

ValueId NetBuilder::silu(ValueId x) {
  return mul(x, unary(OpType::kLogistic, x));
}

ValueId NetBuilder::normalize(ValueId x, const std::vector<int32_t>& axes, float eps) {
  const ValueId mean = reduce(OpType::kMean, x, axes, true);
  const ValueId var =
      reduce(OpType::kMean, node(OpType::kSquaredDifference, BinaryAttrs{}, {x, mean}), axes, true);
  const ValueId inv_std = unary(OpType::kRsqrt, add(var, constant_f32({eps}, Shape({1}), "eps")));
  return mul(node(OpType::kSub, BinaryAttrs{}, {x, mean}), inv_std);
}

ValueId NetBuilder::group_norm(ValueId x, int64_t groups, float eps) {
  const Shape s = shape(x);
  const auto i32 = [](int64_t v) { return static_cast<int32_t>(v); };
  const int64_t c = channels(x);
  if (status_.ok() && (s.rank() != 4 || c % groups != 0))
    status_ = make_error(StatusCode::kInvalidArgument, "group_norm: ", s.str(), " in ", groups,
                         " groups");
  ValueId y = reshape(x, {i32(s[0]), i32(s[1] * s[2]), i32(groups), i32(c / groups)});
  y = reshape(normalize(y, {1, 3}, eps), {i32(s[0]), i32(s[1]), i32(s[2]), i32(c)});
  return channel_affine(y, 0.8f, 1.2f, kBiasBound);
}

ValueId NetBuilder::layer_norm(ValueId x, float eps) {
  const auto last = static_cast<int32_t>(shape(x).rank()) - 1;
  return channel_affine(normalize(x, {last}, eps), 0.8f, 1.2f, kBiasBound);
}

ValueId NetBuilder::matmul_weight(Shape shape, int64_t fan_in, float gain) {
  const float b = he_bound(gain, fan_in);
  return weight(next_name("matmul_w"), std::move(shape), -b, b);
}

ValueId NetBuilder::bias(int64_t n) {
  return weight(next_name("bias"), Shape({n}), -kBiasBound, kBiasBound);
}

ValueId NetBuilder::conv3d(ValueId x, int64_t out_channels, int kernel, Activation act,
                           float gain) {
  const int64_t in = channels(x);
  Conv3DAttrs a;
  a.padding = Padding::kSame;
  a.activation = act;
  return weighted("conv3d", OpType::kConv3D, a, x,
                  Shape({kernel, kernel, kernel, in, out_channels}), out_channels,
                  in * kernel * kernel * kernel, gain);
}

ValueId NetBuilder::depthwise_window(ValueId x, int kh, int kw, Activation act, float gain) {
  const int64_t c = channels(x);
  return weighted("dw", OpType::kDepthwiseConv2D, window_attrs<DepthwiseConv2DAttrs>(1, act), x,
                  Shape({1, kh, kw, c}), c, kh * kw, gain);
}

ValueId NetBuilder::depth_to_space(ValueId x, int block) {
  return node(OpType::kDepthToSpace, BlockAttrs{.block_size = block}, {x});
}

Result<Graph> NetBuilder::finish(std::vector<ValueId> outputs) {
  ODIN_RETURN_IF_ERROR(status_);
  g_.outputs() = std::move(outputs);
  ODIN_RETURN_IF_ERROR(g_.validate());
  return std::move(g_);
}

}  // namespace odin
