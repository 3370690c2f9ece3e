// Small checks shared by the reference kernels. Kernels trust shape inference
// for consistency but still refuse dtypes they cannot compute and shapes that
// would make them index out of range.
#pragma once

#include "core/status.h"
#include "core/tensor.h"
#include "ops/op_def.h"

namespace odin::ref {

inline Status expect_f32(const char* op, const char* what, const ConstTensorView& v) {
  if (v.dtype != DType::kF32)
    return make_error(StatusCode::kUnsupported, "reference ", op, ": ", what, " has dtype ",
                      dtype_name(v.dtype), ", only float32 is supported");
  return Status();
}

inline Status expect_rank(const char* op, const char* what, const ConstTensorView& v, size_t rank) {
  if (v.shape.rank() != rank)
    return make_error(StatusCode::kInvalidArgument, "reference ", op, ": ", what, " shape ",
                      v.shape.str(), " must have rank ", rank);
  return Status();
}

template <typename... Args>
Status bad_shape(const char* op, const Args&... args) {
  return make_error(StatusCode::kInvalidArgument, "reference ", op, ": ", args...);
}

// Elements of a static shape; -1 for dynamic or overflowing shapes.
inline bool valid_view(const ConstTensorView& v) {
  return v.data != nullptr && v.shape.num_elements() >= 0;
}

// Rank-4 input, filter and output with static shapes (any dtype).
inline Status check_conv_shapes(const char* op, const ConstTensorView& in,
                                const ConstTensorView& filter, const ConstTensorView& out) {
  ODIN_RETURN_IF_ERROR(expect_rank(op, "input", in, 4));
  ODIN_RETURN_IF_ERROR(expect_rank(op, "filter", filter, 4));
  ODIN_RETURN_IF_ERROR(expect_rank(op, "output", out, 4));
  if (!valid_view(in) || !valid_view(filter) || out.num_elements() < 0)
    return bad_shape(op, "shapes must be static");
  return Status();
}

// What CONV_2D and DEPTHWISE_CONV_2D check past their channel rules: strides
// and dilations >= 1, the output [batch, padded h, padded w, out_c], a bias
// of out_c elements. Sets the two axes' padding.
template <typename ConvAttrs>
Status check_conv_window(const char* op, const ConvAttrs& attrs, const ConstTensorView& in,
                         const ConstTensorView& filter, const ConstTensorView& bias,
                         const ConstTensorView& out, int64_t out_c, SpatialPadding* ph,
                         SpatialPadding* pw) {
  if (attrs.stride_h < 1 || attrs.stride_w < 1 || attrs.dilation_h < 1 || attrs.dilation_w < 1)
    return bad_shape(op, "strides and dilations must be >= 1");
  *ph = conv_padding_h(attrs, in.shape[1], filter.shape[1]);
  *pw = conv_padding_w(attrs, in.shape[2], filter.shape[2]);
  if (out.shape[0] != in.shape[0] || out.shape[3] != out_c || out.shape[1] != ph->out ||
      out.shape[2] != pw->out)
    return bad_shape(op, "output shape ", out.shape.str(), " does not match input ", in.shape.str(),
                     " and filter ", filter.shape.str());
  if (!bias.empty() && bias.num_elements() != out_c)
    return bad_shape(op, "bias ", bias.shape.str(), " does not have ", out_c, " elements");
  return Status();
}

// The checks every float convolution kernel makes: float32 views, rank-4
// input, filter and output, static shapes, an optional float32 bias.
inline Status check_conv_views(const char* op, const ConstTensorView& in,
                               const ConstTensorView& filter, const ConstTensorView& bias,
                               const ConstTensorView& out) {
  ODIN_RETURN_IF_ERROR(expect_f32(op, "input", in));
  ODIN_RETURN_IF_ERROR(expect_f32(op, "filter", filter));
  ODIN_RETURN_IF_ERROR(expect_f32(op, "output", out));
  if (!bias.empty()) ODIN_RETURN_IF_ERROR(expect_f32(op, "bias", bias));
  return check_conv_shapes(op, in, filter, out);
}

// Optional fused PRELU slopes (OpDef::prelu_alpha_input): float32, one per
// output channel.
inline Status check_prelu_alpha(const char* op, const ConstTensorView& alpha, int64_t out_c) {
  if (alpha.empty()) return Status();
  ODIN_RETURN_IF_ERROR(expect_f32(op, "PRELU slopes", alpha));
  if (alpha.num_elements() != out_c)
    return bad_shape(op, "PRELU slopes ", alpha.shape.str(), " do not have ", out_c, " elements");
  return Status();
}

// The error a `<op>_node` entry returns when the node lacks its attributes
// (shape inference rejects such nodes first; hand-made graphs may not).
inline Status missing_attrs(const KernelArgs& args) {
  return make_error(StatusCode::kInvalidArgument, "reference ", op_type_name(args.node.op),
                    ": node carries no ", op_type_name(args.node.op), " attributes");
}

}  // namespace odin::ref
