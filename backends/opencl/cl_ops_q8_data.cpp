// Data movement and graph edges on int8/uint8 (kernels/opencl/q8_data.cl;
// storage in cl_quant.h): pooling, PAD with the zero point,
// RESIZE_BILINEAR, CONCATENATION (one byte copy per input, any number of
// inputs), RESHAPE/SQUEEZE (the output aliases), QUANTIZE from float or
// int8/uint8 and DEQUANTIZE; SOFTMAX, which rescales through the
// reference's exp table. Which nodes run: ops/q8_gpu.h.
#include <cstring>

#include "backends/opencl/cl_quant.h"
#include "kernels/reference/reference.h"
#include "ops/quantized.h"

namespace odin::cl {
namespace {

// Operands y, x; the loaded dtype's sign first.
Launch single_io(const char* kernel, const Graph& g, const Node& node, DType loads) {
  Launch l = unary_launch(kernel, g, node);
  l.arg(sign_arg(loads));
  return l;
}

template <bool kMax>
Status lower_pool2d(LowerContext& ctx, const Node& node, LoweredNode* out) {
  const Graph& g = ctx.graph();
  const auto& a = std::get<Pool2DAttrs>(node.attrs);
  const Value& y = g.value(node.outputs[0]);
  const Shape& si = g.value(node.inputs[0]).shape;
  const SpatialPadding ph = compute_spatial_padding(a.padding, si[1], a.filter_h, a.stride_h, 1);
  const SpatialPadding pw = compute_spatial_padding(a.padding, si[2], a.filter_w, a.stride_w, 1);
  const std::array<int32_t, 3> r = q8_output_range(y, a.activation);  // zero, lo, hi
  Launch l = single_io("q8_pool2d", g, node, y.dtype);
  for (int64_t v : {si[1], si[2], si[3], y.shape[1], y.shape[2], int64_t{a.filter_h},
                    int64_t{a.filter_w}, int64_t{a.stride_h}, int64_t{a.stride_w}, ph.before,
                    pw.before, int64_t{kMax ? 1 : 0}, int64_t{r[1]}, int64_t{r[2]}})
    l.arg(v);
  out->launches.push_back(std::move(l));
  return Status();
}

Status lower_pad(LowerContext& ctx, const Node& node, LoweredNode* out) {
  const Graph& g = ctx.graph();
  const Value& y = g.value(node.outputs[0]);
  auto padding = q8_pad_before(g, node);
  if (!padding.ok()) return padding.status().with_context("opencl");
  const std::array<int64_t, 4> before = *padding;
  Launch l = unary_launch("q8_pad", g, node);
  for (int64_t v : dims4(y.shape)) l.arg(v);
  for (int64_t v : dims4(g.value(node.inputs[0]).shape)) l.arg(v);
  for (int64_t v : before) l.arg(v);
  l.arg(pad_fill_byte(y));  // the zero point's byte, as the reference fills
  out->launches.push_back(std::move(l));
  return Status();
}

// One byte copy per input into its columns of the output.
Status lower_concatenation(LowerContext& ctx, const Node& node, LoweredNode* out) {
  for (Launch& l : concatenation_copies(ctx, node, "q8_copy_block", q8_operand))
    out->launches.push_back(std::move(l));
  return Status();
}

Status lower_quantize(LowerContext& ctx, const Node& node, LoweredNode* out) {
  const Graph& g = ctx.graph();
  const Value& x = g.value(node.inputs[0]);
  const Value& y = g.value(node.outputs[0]);
  const QuantizedRange r = dtype_range(y.dtype);
  Launch l;
  if (x.dtype == DType::kF32) {
    l = unary_launch("q8_quantize", g, node);
    l.arg_float(scale_of(*y.quant, 0));
  } else {
    l = single_io("q8_requantize", g, node, x.dtype);
    l.arg(zero_of(x));
    arg_multiplier(l, q8_requantize_multiplier(x, y));
  }
  for (int32_t v : {zero_of(y), r.min, r.max}) l.arg(v);
  out->launches.push_back(std::move(l));
  return Status();
}

Status lower_dequantize(LowerContext& ctx, const Node& node, LoweredNode* out) {
  const Value& x = ctx.graph().value(node.inputs[0]);
  Launch l = single_io("q8_dequantize", ctx.graph(), node, x.dtype);
  l.arg_float(scale_of(*x.quant, 0));
  l.arg(zero_of(x));
  out->launches.push_back(std::move(l));
  return Status();
}

Status lower_resize_bilinear(LowerContext& ctx, const Node& node, LoweredNode* out) {
  const Graph& g = ctx.graph();
  const Value& y = g.value(node.outputs[0]);
  const Shape& si = g.value(node.inputs[0]).shape;
  Launch l = unary_launch("q8_resize_bilinear", g, node);
  l.operands.push_back(Operand::int_weights(ctx.add_int_weights(ref::resize_sample_table_q10(
      std::get<ResizeAttrs>(node.attrs), si[1], y.shape[1], si[2], y.shape[2]))));
  l.arg(sign_arg(y.dtype));
  for (int64_t v : dims4(y.shape)) l.arg(v);
  for (int64_t v : dims4(si)) l.arg(v);
  out->launches.push_back(std::move(l));
  return Status();
}

// The exp table's floats go to the int32 buffer as their bits: the memory
// buffer may hold binary16, which would round them.
Status lower_softmax(LowerContext& ctx, const Node& node, LoweredNode* out) {
  const Value& x = ctx.graph().value(node.inputs[0]);
  const Value& y = ctx.graph().value(node.outputs[0]);
  float values[256];
  ref::softmax_exp_table(scale_of(*x.quant, 0), std::get<SoftmaxAttrs>(node.attrs).beta, values);
  std::vector<int32_t> table(256);
  std::memcpy(table.data(), values, sizeof(values));
  const QuantizedRange r = dtype_range(y.dtype);
  const int64_t cols = x.shape[x.shape.rank() - 1];
  Launch l = unary_launch("q8_softmax", ctx.graph(), node);
  l.operands.push_back(Operand::int_weights(ctx.add_int_weights(std::move(table))));
  l.arg(sign_arg(x.dtype));
  l.arg(cols);
  l.arg_float(scale_of(*y.quant, 0));
  for (int32_t v : {zero_of(y), r.min, r.max}) l.arg(v);
  l.work_items = x.shape.num_elements() / cols;  // one row each
  out->launches.push_back(std::move(l));
  return Status();
}

constexpr ClOp kOps[] = {
    {OpType::kAveragePool2D, supports_q8, lower_pool2d<false>},
    {OpType::kMaxPool2D, supports_q8, lower_pool2d<true>},
    {OpType::kPad, supports_q8, lower_pad},
    {OpType::kResizeBilinear, supports_q8, lower_resize_bilinear},
    {OpType::kConcatenation, supports_q8, lower_concatenation},
    {OpType::kReshape, supports_q8, lower_alias},
    {OpType::kSqueeze, supports_q8, lower_alias},
    {OpType::kQuantize, supports_q8, lower_quantize},
    {OpType::kDequantize, supports_q8, lower_dequantize},
    {OpType::kSoftmax, supports_q8, lower_softmax},
};

}  // namespace

std::span<const ClOp> cl_q8_data_ops() {
  return kOps;
}

}  // namespace odin::cl
