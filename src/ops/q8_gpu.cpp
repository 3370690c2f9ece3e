#include "ops/q8_gpu.h"

#include <algorithm>
#include <cstring>
#include <limits>

#include "core/const_data.h"
#include "ops/op_def.h"

namespace odin {
namespace {

// Tables of at most this many channels (256 bytes each) for PRELU.
constexpr int64_t kMaxLutTables = 4096;

// Same dtype, scale and zero point.
bool same_table(const Value& a, const Value& b) {
  return a.dtype == b.dtype && is_per_tensor_affine(a) && is_per_tensor_affine(b) &&
         a.quant->scales[0] == b.quant->scales[0] && zero_of(a) == zero_of(b);
}

// Ops that move values without rescaling need the output in the input's
// quantization (inference checks it; the kernels rely on it).
std::string same_table_unsupported(const Graph& g, const Node& node) {
  if (!same_table(g.value(node.inputs[0]), g.value(node.outputs[0])))
    return "on int8/uint8 needs the output in the input's quantization";
  return {};
}

std::string rank4_unsupported(const Graph& g, const Node& node) {
  if (g.value(node.inputs[0]).shape.rank() != 4 || g.value(node.outputs[0]).shape.rank() != 4)
    return "needs 4-D tensors";
  return same_table_unsupported(g, node);
}

std::string one_dtype_io_unsupported(const Graph& g, const Node& node) {
  const Value& x = g.value(node.inputs[0]);
  const Value& y = g.value(node.outputs[0]);
  if (!is_per_tensor_affine(x) || !is_per_tensor_affine(y) || x.dtype != y.dtype)
    return "on int8/uint8 needs input and output of one dtype, quantized per tensor";
  return {};
}

// Why a weighted op's int32 sums could overflow (`terms` products per sum
// plus the bias), or empty when they cannot: then the kernels' int32 sums
// equal the reference's 64-bit ones.
std::string sum_overflow(const Graph& g, const Node& node, int64_t terms) {
  int64_t bias = 0;
  if (node.inputs.size() > 2 && node.inputs[2] != kNoValue)
    for (int64_t b : read_int_constant(g.value(node.inputs[2])).value_or(std::vector<int64_t>{}))
      bias = std::max(bias, b < 0 ? -b : b);
  // |(x - x_zero)(w - w_zero)| <= 255 * 255 for int8 and uint8 alike.
  constexpr int64_t kMaxProduct = 255 * 255;
  if (terms <= (std::numeric_limits<int32_t>::max() - bias) / kMaxProduct) return {};
  return str_cat("with ", terms, " products per output (int32 sums could overflow) not supported");
}

// Input and output per tensor in one dtype, weights constant in that dtype
// (per tensor or per channel), bias an int32 constant or absent, and int32
// sums of `terms` products that cannot overflow.
std::string weighted_unsupported(const Graph& g, const Node& node, int64_t terms) {
  const Value& x = g.value(node.inputs[0]);
  const Value& w = g.value(node.inputs[1]);
  const Value& y = g.value(node.outputs[0]);
  if (!is_per_tensor_affine(x) || !is_per_tensor_affine(y) || y.dtype != x.dtype)
    return "on int8/uint8 needs input and output of one dtype, quantized per tensor";
  if (!w.is_constant() || w.dtype != x.dtype || !w.quant || w.quant->scales.empty())
    return "with run-time or differently typed int8 weights not supported";
  if (node.inputs.size() > 2 && node.inputs[2] != kNoValue) {
    const Value& b = g.value(node.inputs[2]);
    if (!b.is_constant() || b.dtype != DType::kI32)
      return "on int8/uint8 needs an int32 constant bias";
  }
  return sum_overflow(g, node, terms);
}

std::string weighted_op_unsupported(const Graph& g, const Node& node) {
  if (node.inputs.size() < 2 || node.inputs[1] == kNoValue) return "without weights not supported";
  const Shape& in = g.value(node.inputs[0]).shape;
  const Shape& f = g.value(node.inputs[1]).shape;
  if (node.op == OpType::kFullyConnected) {
    if (f.rank() != 2) return "needs 2-D weights";
    return weighted_unsupported(g, node, f[1]);
  }
  if (in.rank() != 4 || f.rank() != 4) return "needs 4-D tensors";
  if (node.op == OpType::kDepthwiseConv2D) return weighted_unsupported(g, node, f[1] * f[2]);
  if (f[3] != in[3]) return "grouped convolution not supported";
  return weighted_unsupported(g, node, f[1] * f[2] * f[3]);
}

// Inputs and output per tensor, all of one dtype.
std::string same_dtype_per_tensor_unsupported(const Graph& g, const Node& node) {
  const DType t = g.value(node.outputs[0]).dtype;
  for (const auto* list : {&node.inputs, &node.outputs})
    for (ValueId v : *list)
      if (v == kNoValue || !is_per_tensor_affine(g.value(v)) || g.value(v).dtype != t)
        return "on int8/uint8 needs every tensor of one dtype, quantized per tensor";
  return {};
}

std::string binary_unsupported(const Graph& g, const Node& node) {
  if (node.inputs.size() != 2) return "needs two inputs";
  if (std::string why = same_dtype_per_tensor_unsupported(g, node); !why.empty()) return why;
  const Shape& out = g.value(node.outputs[0]).shape;
  if (out.rank() > 4) return str_cat("of rank ", out.rank(), " not supported (max 4)");
  if (const auto* a = std::get_if<BinaryAttrs>(&node.attrs); !a || a->operand_pad.active())
    return "on int8/uint8 with a padded operand not supported";
  return {};
}

// PRELU's alpha: a constant of one value, or of one per channel along the
// last axis; the number of tables (0: neither).
int64_t prelu_tables(const Graph& g, const Node& node) {
  if (node.inputs.size() != 2) return 0;
  const Value& alpha = g.value(node.inputs[1]);
  const Shape& out = g.value(node.outputs[0]).shape;
  if (!alpha.is_constant() || !alpha.shape.is_static() || out.rank() == 0 ||
      g.value(node.inputs[0]).shape != out)
    return 0;
  const int64_t n = alpha.shape.num_elements(), c = out[out.rank() - 1];
  if (n == 1) return 1;
  const size_t r = alpha.shape.rank();
  return n == c && r >= 1 && r <= out.rank() && alpha.shape[r - 1] == c ? c : 0;
}

std::string prelu_unsupported(const Graph& g, const Node& node) {
  if (std::string why = same_dtype_per_tensor_unsupported(g, node); !why.empty()) return why;
  const int64_t tables = prelu_tables(g, node);
  if (tables == 0) return "on int8/uint8 needs a constant alpha of one value or one per channel";
  if (tables > kMaxLutTables)
    return str_cat("on int8/uint8 with ", tables, " channels (max ", kMaxLutTables, ")");
  return {};
}

std::string pad_unsupported(const Graph& g, const Node& node) {
  if (node.inputs.size() < 2 || node.inputs[1] == kNoValue ||
      !read_int_constant(g.value(node.inputs[1])).has_value())
    return "with run-time paddings not supported";
  const size_t rank = g.value(node.inputs[0]).shape.rank();
  if (rank > 4) return str_cat("of rank ", rank, " not supported (max 4)");
  return same_table_unsupported(g, node);
}

std::string concatenation_unsupported(const Graph& g, const Node& node) {
  if (std::get<ConcatenationAttrs>(node.attrs).activation != Activation::kNone)
    return "on int8/uint8 with a fused activation not supported";
  for (ValueId v : node.inputs)
    if (v == kNoValue || !same_table(g.value(v), g.value(node.outputs[0])))
      return "on int8/uint8 needs every input in the output's quantization";
  return {};
}

// int8/uint8 per tensor -> int8/uint8 per tensor, or float -> int8/uint8.
std::string quantize_unsupported(const Graph& g, const Node& node) {
  const Value& x = g.value(node.inputs[0]);
  if (!is_per_tensor_affine(g.value(node.outputs[0])) ||
      (x.dtype != DType::kF32 && !is_per_tensor_affine(x)))
    return "needs tensors quantized per tensor";
  return {};
}

std::string softmax_unsupported(const Graph& g, const Node& node) {
  if (std::string why = one_dtype_io_unsupported(g, node); !why.empty()) return why;
  const Shape& s = g.value(node.inputs[0]).shape;
  if (s.rank() < 1 || s[s.rank() - 1] == 0) return "needs a non-empty last axis";
  return {};
}

}  // namespace

bool is_quantized_node(const Graph& graph, const Node& node) {
  for (const auto* list : {&node.inputs, &node.outputs})
    for (ValueId v : *list)
      if (v != kNoValue && is_affine_dtype(graph.value(v).dtype)) return true;
  return false;
}

bool is_per_tensor_affine(const Value& v) {
  return is_affine_dtype(v.dtype) && v.quant && v.quant->scales.size() == 1;
}

int32_t zero_of(const Value& v) {
  return v.quant ? zero_point_of(*v.quant, 0) : 0;
}

std::string q8_gpu_unsupported(const Graph& g, const Node& node) {
  switch (node.op) {
    case OpType::kConv2D:
    case OpType::kDepthwiseConv2D:
    case OpType::kFullyConnected:
      return weighted_op_unsupported(g, node);
    case OpType::kAdd:
    case OpType::kSub:
    case OpType::kMul:
      return binary_unsupported(g, node);
    case OpType::kLogistic:
    case OpType::kTanh:
    case OpType::kHardSwish:
    case OpType::kRelu:
    case OpType::kRelu6:
    case OpType::kReluN1To1:
      return node.inputs.size() != 1 ? "needs one input" : one_dtype_io_unsupported(g, node);
    case OpType::kPrelu:
      return prelu_unsupported(g, node);
    case OpType::kAveragePool2D:
    case OpType::kMaxPool2D:
    case OpType::kResizeBilinear:
      return rank4_unsupported(g, node);
    case OpType::kPad:
      return pad_unsupported(g, node);
    case OpType::kConcatenation:
      return concatenation_unsupported(g, node);
    case OpType::kReshape:
    case OpType::kSqueeze:
      return {};
    case OpType::kQuantize:
      return quantize_unsupported(g, node);
    case OpType::kDequantize:
      if (!is_per_tensor_affine(g.value(node.inputs[0])))
        return "of a tensor quantized per channel not supported";
      return {};
    case OpType::kSoftmax:
      return softmax_unsupported(g, node);
    default:
      return "on int8/uint8 tensors not supported";
  }
}

std::vector<uint8_t> q8_constant_bytes(const Value& v) {
  const auto n = static_cast<size_t>(v.shape.num_elements()) * dtype_size(v.dtype);
  std::vector<uint8_t> bytes(n, 0);
  if (v.data && v.data_bytes >= n) std::memcpy(bytes.data(), v.data, n);
  return bytes;
}

std::vector<int32_t> q8_channel_params(const Graph& g, const Node& node, int64_t channels) {
  const QuantParams& x = *g.value(node.inputs[0]).quant;
  const QuantParams& w = *g.value(node.inputs[1]).quant;
  const QuantParams& y = *g.value(node.outputs[0]).quant;
  const std::vector<FixedPointMultiplier> m = output_multipliers(x, w, y, channels);
  std::vector<int64_t> bias;
  if (node.inputs.size() > 2 && node.inputs[2] != kNoValue)
    bias = read_int_constant(g.value(node.inputs[2])).value_or(std::vector<int64_t>{});
  bias.resize(static_cast<size_t>(channels), 0);
  std::vector<int32_t> params;
  for (int64_t c = 0; c < channels; ++c) {
    const auto i = static_cast<size_t>(c);
    params.insert(params.end(), {static_cast<int32_t>(bias[i]), zero_point_of(w, i),
                                 m[i].multiplier, m[i].shift});
  }
  return params;
}

std::array<int32_t, 3> q8_output_range(const Value& out, Activation activation) {
  const int32_t zero = zero_of(out);
  const QuantizedRange r =
      quantized_activation_range(activation, out.dtype, scale_of(*out.quant, 0), zero);
  return {zero, r.min, r.max};
}

std::array<FixedPointMultiplier, 3> q8_binary_multipliers(const Graph& g, const Node& node) {
  const auto scale = [&](ValueId v) { return static_cast<double>(scale_of(*g.value(v).quant, 0)); };
  const double sa = scale(node.inputs[0]), sb = scale(node.inputs[1]), sy = scale(node.outputs[0]);
  if (node.op == OpType::kMul) return {quantize_multiplier(sa * sb / sy), {}, {}};
  const AffineAddition add =
      affine_addition(static_cast<float>(sa), static_cast<float>(sb), static_cast<float>(sy));
  return {add.a, add.b, add.out};
}

FixedPointMultiplier q8_requantize_multiplier(const Value& x, const Value& y) {
  return quantize_multiplier(static_cast<double>(scale_of(*x.quant, 0)) /
                             static_cast<double>(scale_of(*y.quant, 0)));
}

int64_t q8_lut_channels(const Graph& g, const Node& node) {
  return node.op == OpType::kPrelu ? prelu_tables(g, node) : int64_t{1};
}

Result<std::vector<uint8_t>> q8_lookup_table(const Graph& g, const Node& node) {
  const int64_t channels = q8_lut_channels(g, node);
  std::vector<uint8_t> in(static_cast<size_t>(256 * channels));
  std::vector<uint8_t> table(in.size());
  for (size_t i = 0; i < in.size(); ++i) in[i] = static_cast<uint8_t>(i / channels);
  const Shape shape({256, channels});
  std::vector<ConstTensorView> inputs = {{g.value(node.inputs[0]).dtype, shape, in.data()}};
  if (node.op == OpType::kPrelu) {
    const Value& alpha = g.value(node.inputs[1]);
    inputs.push_back({alpha.dtype, Shape({channels}), alpha.data});
  }
  const TensorView y{g.value(node.outputs[0]).dtype, shape, table.data()};
  ODIN_RETURN_IF_ERROR(run_reference(g, node, inputs, std::span(&y, 1)));
  return table;
}

Result<std::array<int64_t, 4>> q8_pad_before(const Graph& g, const Node& node) {
  const Shape& si = g.value(node.inputs[0]).shape;
  const std::vector<int64_t> pads =
      read_int_constant(g.value(node.inputs[1])).value_or(std::vector<int64_t>{});
  if (si.rank() > 4 || pads.size() != 2 * si.rank())
    return make_error(StatusCode::kInvalidArgument, "PAD paddings do not fit the input");
  std::array<int64_t, 4> before{0, 0, 0, 0};
  for (size_t d = 0; d < si.rank(); ++d) before[4 - si.rank() + d] = pads[2 * d];
  return before;
}

}  // namespace odin
