// Data movement and graph edges on int8/uint8 (storage in vk_quant.h):
// pooling (q8_pool2d.comp), PAD with the zero point (q8_pad.comp),
// RESIZE_BILINEAR (q8_resize_bilinear.comp),
// CONCATENATION (q8_concat.comp), RESHAPE/SQUEEZE (the output aliases),
// QUANTIZE from float (q8_quantize.comp) or int8/uint8 (q8_requantize.comp)
// and DEQUANTIZE (q8_dequantize.comp); SOFTMAX (q8_softmax.comp), which
// rescales through the reference's exp table. Which nodes run:
// ops/q8_gpu.h (ops that move values without rescaling need the output in
// the input's quantization).
#include <cstring>

#include "backends/vulkan/vk_quant.h"
#include "core/const_data.h"
#include "kernels/reference/reference.h"
#include "ops/quantized.h"

namespace odin::vk {
namespace {

constexpr size_t kMaxConcatInputs = 6;  // q8_concat.comp's bindings

Support supports_concatenation(const Graph& g, const Node& node) {
  if (node.inputs.size() > kMaxConcatInputs)
    return decline(node, str_cat("on int8/uint8 of ", node.inputs.size(),
                                 " inputs not supported (max ", kMaxConcatInputs, ")"));
  return supports_q8(g, node);
}

Dispatch single_io(const char* kernel, const Node& node, DType loads) {
  Dispatch d;
  d.kernel = kernel;
  d.spec = {signed_spec(loads)};
  d.bindings = {Operand::value(node.outputs[0]), Operand::value(node.inputs[0])};
  return d;
}

template <bool kMax>
Status lower_pool2d(LowerContext& ctx, const Node& node, LoweredNode* out) {
  const Graph& g = ctx.graph();
  const auto& a = std::get<Pool2DAttrs>(node.attrs);
  const Value& y = g.value(node.outputs[0]);
  const Shape& si = g.value(node.inputs[0]).shape;
  const Shape& so = y.shape;
  const SpatialPadding ph = compute_spatial_padding(a.padding, si[1], a.filter_h, a.stride_h, 1);
  const SpatialPadding pw = compute_spatial_padding(a.padding, si[2], a.filter_w, a.stride_w, 1);
  const std::array<int32_t, 3> r = q8_output_range(y, a.activation);  // zero, lo, hi
  Dispatch d = single_io("q8_pool2d", node, y.dtype);
  d.spec.insert(d.spec.end(), {kMax ? 1 : 0, a.filter_h, a.filter_w, a.stride_h, a.stride_w});
  for (int64_t v : {si[0], si[1], si[2], si[3], so[1], so[2], ph.before, pw.before}) d.push_int(v);
  d.push_int(r[1]);
  d.push_int(r[2]);
  set_word_invocations(d, so.num_elements());
  out->dispatches.push_back(std::move(d));
  return Status();
}

Status lower_pad(LowerContext& ctx, const Node& node, LoweredNode* out) {
  const Graph& g = ctx.graph();
  const Value& y = g.value(node.outputs[0]);
  const Shape& si = g.value(node.inputs[0]).shape;
  auto padding = q8_pad_before(g, node);
  if (!padding.ok()) return padding.status().with_context("vulkan");
  const std::array<int64_t, 4> before = *padding;
  Dispatch d = single_io("q8_pad", node, y.dtype);
  for (int64_t v : dims4(y.shape)) d.push_int(v);
  for (int64_t v : dims4(si)) d.push_int(v);
  for (int64_t v : before) d.push_int(v);
  d.push_int(y.shape.num_elements());
  d.push_int(pad_fill_byte(y));  // the zero point's byte, as the reference fills
  set_word_invocations(d, y.shape.num_elements());
  out->dispatches.push_back(std::move(d));
  return Status();
}

Status lower_concatenation(LowerContext& ctx, const Node& node, LoweredNode* out) {
  const Graph& g = ctx.graph();
  const Value& y = g.value(node.outputs[0]);
  const auto& a = std::get<ConcatenationAttrs>(node.attrs);
  int64_t axis = 0;
  normalize_axis(a.axis, y.shape.rank(), &axis);
  int64_t outer = 1;
  for (int64_t d = 0; d < axis; ++d) outer *= y.shape[static_cast<size_t>(d)];
  Dispatch d;
  d.kernel = "q8_concat";
  d.spec = {signed_spec(y.dtype), static_cast<int32_t>(node.inputs.size())};
  d.push_int(y.shape.num_elements());
  d.push_int(y.shape.num_elements() / outer);
  d.bindings = {Operand::value(node.outputs[0])};
  for (size_t i = 0; i < kMaxConcatInputs; ++i) {
    // Unused bindings repeat input 0 (every binding must hold a buffer).
    const ValueId v = node.inputs[i < node.inputs.size() ? i : 0];
    d.push_int(i < node.inputs.size() ? g.value(v).shape.num_elements() / outer : 0);
    d.bindings.push_back(i < node.inputs.size() ? q8_operand(ctx, v) : d.bindings[1]);
  }
  set_word_invocations(d, y.shape.num_elements());
  out->dispatches.push_back(std::move(d));
  return Status();
}

Status lower_quantize(LowerContext& ctx, const Node& node, LoweredNode* out) {
  const Graph& g = ctx.graph();
  const Value& x = g.value(node.inputs[0]);
  const Value& y = g.value(node.outputs[0]);
  const int64_t n = y.shape.num_elements();
  const QuantizedRange r = dtype_range(y.dtype);
  Dispatch d;
  if (x.dtype == DType::kF32) {
    d = single_io("q8_quantize", node, y.dtype);
    d.push_int(n);
    d.push_float(scale_of(*y.quant, 0));
  } else {
    // As the reference (kernels/reference/quantize.cpp): in double.
    d = single_io("q8_requantize", node, x.dtype);
    d.push_int(n);
    d.push_int(zero_of(x));
    push_multiplier(d, q8_requantize_multiplier(x, y));
  }
  for (int32_t v : {zero_of(y), r.min, r.max}) d.push_int(v);
  set_word_invocations(d, n);
  out->dispatches.push_back(std::move(d));
  return Status();
}

Status lower_dequantize(LowerContext& ctx, const Node& node, LoweredNode* out) {
  const Value& x = ctx.graph().value(node.inputs[0]);
  const int64_t n = x.shape.num_elements();
  Dispatch d = single_io("q8_dequantize", node, x.dtype);
  d.push_int(n);
  d.push_float(scale_of(*x.quant, 0));
  d.push_int(zero_of(x));
  set_invocations(d, n);
  out->dispatches.push_back(std::move(d));
  return Status();
}

// The source rows and columns as the reference samples them (Q10), for
// q8_resize_bilinear.comp: (lo, hi, fraction) per output row, then column.
Status lower_resize_bilinear(LowerContext& ctx, const Node& node, LoweredNode* out) {
  const Graph& g = ctx.graph();
  const Value& y = g.value(node.outputs[0]);
  const Shape& si = g.value(node.inputs[0]).shape;
  const std::vector<int32_t> samples = ref::resize_sample_table_q10(
      std::get<ResizeAttrs>(node.attrs), si[1], y.shape[1], si[2], y.shape[2]);
  std::vector<uint8_t> bytes(samples.size() * sizeof(int32_t));
  std::memcpy(bytes.data(), samples.data(), bytes.size());
  Dispatch d = single_io("q8_resize_bilinear", node, y.dtype);
  for (int64_t v : dims4(y.shape)) d.push_int(v);
  for (int64_t v : dims4(si)) d.push_int(v);
  d.push_int(y.shape.num_elements());
  d.bindings.push_back(Operand::weights(ctx.add_bytes(std::move(bytes))));
  set_word_invocations(d, y.shape.num_elements());
  out->dispatches.push_back(std::move(d));
  return Status();
}

Status lower_softmax(LowerContext& ctx, const Node& node, LoweredNode* out) {
  const Value& x = ctx.graph().value(node.inputs[0]);
  const Value& y = ctx.graph().value(node.outputs[0]);
  std::vector<uint8_t> table(256 * sizeof(float));
  float values[256];
  ref::softmax_exp_table(scale_of(*x.quant, 0), std::get<SoftmaxAttrs>(node.attrs).beta, values);
  std::memcpy(table.data(), values, table.size());
  const QuantizedRange r = dtype_range(y.dtype);
  const int64_t n = y.shape.num_elements();
  Dispatch d = single_io("q8_softmax", node, x.dtype);
  d.push_int(n);
  d.push_int(x.shape[x.shape.rank() - 1]);
  d.push_float(scale_of(*y.quant, 0));
  for (int32_t v : {zero_of(y), r.min, r.max}) d.push_int(v);
  d.bindings.push_back(Operand::weights(ctx.add_bytes(std::move(table))));
  set_word_invocations(d, n);
  out->dispatches.push_back(std::move(d));
  return Status();
}

constexpr VkOp kOps[] = {
    {OpType::kAveragePool2D, supports_q8, lower_pool2d<false>},
    {OpType::kMaxPool2D, supports_q8, lower_pool2d<true>},
    {OpType::kPad, supports_q8, lower_pad},
    {OpType::kResizeBilinear, supports_q8, lower_resize_bilinear},
    {OpType::kConcatenation, supports_concatenation, lower_concatenation},
    {OpType::kReshape, nullptr, lower_alias},
    {OpType::kSqueeze, nullptr, lower_alias},
    {OpType::kQuantize, supports_q8, lower_quantize},
    {OpType::kDequantize, supports_q8, lower_dequantize},
    {OpType::kSoftmax, supports_q8, lower_softmax},
};

}  // namespace

std::span<const VkOp> vk_q8_data_ops() {
  return kOps;
}

}  // namespace odin::vk
