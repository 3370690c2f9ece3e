// TRANSPOSE_CONV's (and MediaPipe's Convolution2DTransposeBias's) geometry:
// where each op keeps its operands, and the padding that places the input's
// taps on the output (one place for the arithmetic shape inference, the
// reference kernel and the GPU kernels share).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "core/attrs.h"
#include "core/graph.h"
#include "core/shape.h"

namespace odin {

// The forward convolution that maps an output of `out` pixels back to the
// input, along one axis (TFLite's transpose_conv.cc: padding from
// ComputePaddingHeightWidth with the output size as the "input"): `.out` is
// the input size the output is consistent with, `.before` the padding that
// puts input pixel i's tap k at output i * stride - before + k.
inline SpatialPadding transpose_conv_padding(Padding padding, int64_t out, int64_t filter,
                                             int64_t stride) {
  return compute_spatial_padding(padding, out, filter, stride, 1);
}

// The node's input slots: TRANSPOSE_CONV is (output_shape, filter, input,
// [bias]); Convolution2DTransposeBias is (input, filter, bias).
struct TransposeConvSlots {
  size_t input = 0, filter = 1, bias = 2;
};
inline TransposeConvSlots transpose_conv_slots(OpType op) {
  if (op == OpType::kTransposeConv) return {2, 1, 3};
  return {0, 1, 2};
}

struct TransposeConvGeometry {
  int64_t batch = 0, in_h = 0, in_w = 0, in_c = 0;
  int64_t out_h = 0, out_w = 0, out_c = 0;  // out_c: the filter's output channels
  int64_t k_h = 0, k_w = 0, stride_h = 1, stride_w = 1;
  int64_t pad_h = 0, pad_w = 0;  // transpose_conv_padding's `before`
};

// Input NHWC, filter OHWI, output NHWC, all rank 4. Does not check: shape
// inference (ops/transpose_conv.cpp) and the reference kernel do.
inline TransposeConvGeometry transpose_conv_geometry(const TransposeConvAttrs& a, const Shape& in,
                                                     const Shape& filter, const Shape& out) {
  TransposeConvGeometry g;
  g.batch = in[0];
  g.in_h = in[1];
  g.in_w = in[2];
  g.in_c = in[3];
  g.out_c = filter[0];
  g.k_h = filter[1];
  g.k_w = filter[2];
  g.out_h = out[1];
  g.out_w = out[2];
  g.stride_h = a.stride_h;
  g.stride_w = a.stride_w;
  g.pad_h = transpose_conv_padding(a.padding, g.out_h, g.k_h, g.stride_h).before;
  g.pad_w = transpose_conv_padding(a.padding, g.out_w, g.k_w, g.stride_w).before;
  return g;
}

// A transposed convolution node's geometry, its operands at their slots.
inline TransposeConvGeometry transpose_conv_geometry(const Graph& g, const Node& node) {
  const TransposeConvSlots s = transpose_conv_slots(node.op);
  return transpose_conv_geometry(
      std::get<TransposeConvAttrs>(node.attrs), g.value(node.inputs[s.input]).shape,
      g.value(node.inputs[s.filter]).shape, g.value(node.outputs[0]).shape);
}

// What the GPU kernels (Vulkan and OpenCL) need of a transposed convolution:
// the filter and bias are float constants (uploaded at compile), the input
// and filter 4-D. Empty when they hold, else why not (the backend prefixes
// its name and the op's).
inline std::string transpose_conv_gpu_unsupported(const Graph& g, const Node& node) {
  const TransposeConvSlots s = transpose_conv_slots(node.op);
  auto float_constant = [&](ValueId id) {
    const Value& v = g.value(id);
    return v.is_constant() && (v.dtype == DType::kF32 || v.dtype == DType::kF16) &&
           v.shape.is_static();
  };
  if (node.inputs.size() <= s.input || node.inputs[s.filter] == kNoValue ||
      !float_constant(node.inputs[s.filter]) ||
      (node.inputs.size() > s.bias && node.inputs[s.bias] != kNoValue &&
       !float_constant(node.inputs[s.bias])))
    return "with run-time (non-constant) weights not supported";
  if (g.value(node.inputs[s.input]).shape.rank() != 4 ||
      g.value(node.inputs[s.filter]).shape.rank() != 4 ||
      g.value(node.outputs[0]).shape.rank() != 4)
    return "needs a 4-D input, filter and output";
  return {};
}

}  // namespace odin
