// Shared checks for the sliding-window ops (conv, depthwise, pool, transposed
// conv): attribute sanity and overflow-safe output sizes, so that hostile
// strides, dilations or filter sizes fail with a message instead of wrapping.
#pragma once

#include <cstdint>
#include <variant>

#include "core/shape.h"
#include "ops/infer_context.h"
#include "ops/op_def.h"
#include "ops/quantized.h"

namespace odin {

// The node's attributes of type A, or nullptr when the node carries another
// kind (a corrupt import); std::get would throw.
template <typename A>
const A* node_attrs(const InferContext& ctx) {
  return std::get_if<A>(&ctx.node().attrs);
}

// Strides and dilations must be >= 1; a filter extent must be >= 1.
inline Status check_window_attrs(const InferContext& ctx, int64_t stride_h, int64_t stride_w,
                                 int64_t dilation_h, int64_t dilation_w) {
  if (stride_h < 1 || stride_w < 1)
    return ctx.fail("strides must be >= 1, got ", stride_h, "x", stride_w);
  if (dilation_h < 1 || dilation_w < 1)
    return ctx.fail("dilations must be >= 1, got ", dilation_h, "x", dilation_w);
  return Status();
}

// The checks CONV_2D and DEPTHWISE_CONV_2D share: input, filter and optional
// bias, rank-4 float32 input and filter, a static filter, valid strides and
// dilations.
inline Status check_conv_inputs(InferContext& ctx, int64_t stride_h, int64_t stride_w,
                                int64_t dilation_h, int64_t dilation_w) {
  ODIN_RETURN_IF_ERROR(ctx.expect_rank(0, 4));
  ODIN_RETURN_IF_ERROR(ctx.expect_rank(1, 4));
  // Float32, or affine int8/uint8 (checked with the output: set_conv_output).
  if (!is_affine_dtype(ctx.input(0).dtype)) {
    ODIN_RETURN_IF_ERROR(ctx.expect_dtype(0, DType::kF32));
    ODIN_RETURN_IF_ERROR(ctx.expect_dtype(1, DType::kF32));
  }
  ODIN_RETURN_IF_ERROR(ctx.expect_static(1));
  return check_window_attrs(ctx, stride_h, stride_w, dilation_h, dilation_w);
}

// Output extent of one spatial axis (TFLite's ComputeOutSize via
// compute_spatial_padding; `before` / `after` for explicit padding).
// kDynamicDim in gives kDynamicDim out. Fails when the dilated filter
// overflows or the output would be empty.
inline Result<int64_t> window_out_size(const InferContext& ctx, const char* axis, Padding padding,
                                       int64_t in, int64_t filter, int64_t stride, int64_t dilation,
                                       int64_t before = 0, int64_t after = 0) {
  if (filter < 1) return ctx.fail("filter ", axis, " is ", filter, ", must be >= 1");
  if (padding == Padding::kExplicit &&
      (before < 0 || after < 0 || before > kMaxTensorElements || after > kMaxTensorElements))
    return ctx.fail("explicit ", axis, " padding (", before, ",", after, ") is out of range");
  if (filter - 1 > kMaxTensorElements / dilation)
    return ctx.fail("dilated filter ", axis, " (", filter, " with dilation ", dilation,
                    ") is too large");
  if (in == kDynamicDim) return kDynamicDim;
  if (in < 1) return ctx.fail("input ", axis, " is ", in, ", must be >= 1");
  const SpatialPadding p =
      compute_spatial_padding(padding, in, filter, stride, dilation, before, after);
  if (p.out < 1)
    return ctx.fail("dilated filter ", axis, " ", (filter - 1) * dilation + 1,
                    " is larger than the input ", axis, " ", in, " with VALID padding");
  return p.out;
}

// Rejects static shapes whose element count overflows kMaxTensorElements.
inline Status check_output_size(const InferContext& ctx, const Shape& shape) {
  if (shape.is_static() && shape.num_elements() < 0)
    return ctx.fail("output shape ", shape.str(), " is too large");
  return Status();
}

// The end CONV_2D and DEPTHWISE_CONV_2D share: the optional bias must hold
// one float per output channel, then the output [n, out_h, out_w, out_c].
// Quantized (int8/uint8 input): the tables of quantized.h, the weights per
// channel along `weight_channel_axis`, an int32 bias; the output the input's dtype.
template <typename ConvAttrs>
Status set_conv_output(InferContext& ctx, const ConvAttrs& a, int64_t out_c,
                       int weight_channel_axis) {
  const Shape& in = ctx.input_shape(0);
  const Shape& f = ctx.input_shape(1);
  const DType dtype = ctx.input(0).dtype;
  if (is_affine_dtype(dtype)) {
    ODIN_RETURN_IF_ERROR(check_quantized_weighted(ctx, out_c, weight_channel_axis));
  } else if (ctx.has_input(2)) {
    ODIN_RETURN_IF_ERROR(ctx.expect_dtype(2, DType::kF32));
    const Shape& b = ctx.input_shape(2);
    if (b.rank() != 1 || b[0] != out_c)
      return ctx.fail("bias shape ", b.str(), " does not match the filter's ", out_c,
                      " output channels");
  }
  ODIN_ASSIGN_OR_RETURN(const int64_t out_h,
                        window_out_size(ctx, "height", a.padding, in[1], f[1], a.stride_h,
                                        a.dilation_h, a.pad.top, a.pad.bottom));
  ODIN_ASSIGN_OR_RETURN(const int64_t out_w,
                        window_out_size(ctx, "width", a.padding, in[2], f[2], a.stride_w,
                                        a.dilation_w, a.pad.left, a.pad.right));
  Shape out({in[0], out_h, out_w, out_c});
  ODIN_RETURN_IF_ERROR(check_output_size(ctx, out));
  ctx.set_output(0, is_affine_dtype(dtype) ? dtype : DType::kF32, std::move(out));
  return Status();
}

// Folds a zero PAD of a convolution's image (input 0, padding H and W only)
// into the convolution (OpDef::absorb_pad): its padding becomes explicit,
// the PAD's amounts plus what its own padding added to the padded image.
template <typename ConvAttrs>
bool absorb_spatial_pad(const Graph& g, const Node& n, size_t input, const PadAmounts& pad,
                        ConvAttrs& a) {
  if (input != 0 || pad.before.size() != 4 || pad.after.size() != 4) return false;
  if (pad.before[0] || pad.after[0] || pad.before[3] || pad.after[3]) return false;
  const Shape& padded = g.value(n.inputs[0]).shape;  // the PAD's output
  const Shape& f = g.value(n.inputs[1]).shape;
  if (padded.rank() != 4 || f.rank() != 4 || !padded.is_static() || !f.is_static()) return false;
  const SpatialPadding ph = conv_padding_h(a, padded[1], f[1]);
  const SpatialPadding pw = conv_padding_w(a, padded[2], f[2]);
  const int64_t amounts[4] = {ph.before + pad.before[1], ph.after + pad.after[1],
                              pw.before + pad.before[2], pw.after + pad.after[2]};
  for (int64_t v : amounts)
    if (v < 0 || v > INT32_MAX) return false;
  a.padding = Padding::kExplicit;
  a.pad = {static_cast<int32_t>(amounts[0]), static_cast<int32_t>(amounts[1]),
           static_cast<int32_t>(amounts[2]), static_cast<int32_t>(amounts[3])};
  return true;
}

}  // namespace odin
