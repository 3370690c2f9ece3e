// CONV_3D's geometry from its shapes and attributes: what the reference,
// CPU and GPU kernels index with (one place for the padding arithmetic).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/attrs.h"
#include "core/graph.h"
#include "core/shape.h"
#include "quant/fp16.h"

namespace odin {

struct Conv3DGeometry {
  int64_t batch = 0, in_d = 0, in_h = 0, in_w = 0, in_c = 0;
  int64_t k_d = 0, k_h = 0, k_w = 0, out_c = 0;
  int64_t out_d = 0, out_h = 0, out_w = 0;
  int64_t pad_d = 0, pad_h = 0, pad_w = 0;  // padding before each axis
  int64_t stride_d = 1, stride_h = 1, stride_w = 1;
  int64_t dilation_d = 1, dilation_h = 1, dilation_w = 1;

  int64_t out_elements() const { return batch * out_d * out_h * out_w * out_c; }
  int64_t patch() const { return k_d * k_h * k_w * in_c; }  // MACs per output
};

// Input NDHWC, filter DHWIO (static, rank 5). Does not check: shape
// inference (ops/conv3d.cpp) and the reference kernel do.
inline Conv3DGeometry conv3d_geometry(const Conv3DAttrs& a, const Shape& in, const Shape& filter) {
  Conv3DGeometry g;
  g.batch = in[0];
  g.in_d = in[1];
  g.in_h = in[2];
  g.in_w = in[3];
  g.in_c = in[4];
  g.k_d = filter[0];
  g.k_h = filter[1];
  g.k_w = filter[2];
  g.out_c = filter[4];
  const SpatialPadding pd =
      compute_spatial_padding(a.padding, g.in_d, g.k_d, a.stride_d, a.dilation_d);
  const SpatialPadding ph =
      compute_spatial_padding(a.padding, g.in_h, g.k_h, a.stride_h, a.dilation_h);
  const SpatialPadding pw =
      compute_spatial_padding(a.padding, g.in_w, g.k_w, a.stride_w, a.dilation_w);
  g.out_d = pd.out;
  g.out_h = ph.out;
  g.out_w = pw.out;
  g.pad_d = pd.before;
  g.pad_h = ph.before;
  g.pad_w = pw.before;
  g.stride_d = a.stride_d;
  g.stride_h = a.stride_h;
  g.stride_w = a.stride_w;
  g.dilation_d = a.dilation_d;
  g.dilation_h = a.dilation_h;
  g.dilation_w = a.dilation_w;
  return g;
}

// The DHWIO filter `w` rearranged to [out_c][kd][kh][kw][in_c], so a GPU
// work item's filter reads are contiguous (Vulkan and OpenCL kernels).
inline std::vector<float> conv3d_filter_out_major(const std::vector<float>& w,
                                                  const Conv3DGeometry& c) {
  const int64_t taps = c.k_d * c.k_h * c.k_w;
  std::vector<float> out(w.size());
  for (int64_t t = 0; t < taps; ++t)
    for (int64_t ic = 0; ic < c.in_c; ++ic)
      for (int64_t oc = 0; oc < c.out_c; ++oc)
        out[static_cast<size_t>((oc * taps + t) * c.in_c + ic)] =
            w[static_cast<size_t>((t * c.in_c + ic) * c.out_c + oc)];
  return out;
}

// What the GPU kernels (Vulkan and OpenCL) need of a CONV_3D node: the
// filter and bias are float constants (uploaded at compile), the input and
// filter 5-D. Empty when they hold, else why not (the backend prefixes its
// name and the op's).
inline std::string conv3d_gpu_unsupported(const Graph& g, const Node& node) {
  auto float_constant = [&](ValueId id) {
    const Value& v = g.value(id);
    return v.is_constant() && (v.dtype == DType::kF32 || v.dtype == DType::kF16) &&
           v.shape.is_static();
  };
  if (node.inputs.size() < 2 || node.inputs[1] == kNoValue || !float_constant(node.inputs[1]) ||
      (node.inputs.size() > 2 && node.inputs[2] != kNoValue && !float_constant(node.inputs[2])))
    return "with run-time (non-constant) weights not supported";
  if (g.value(node.inputs[0]).shape.rank() != 5 || g.value(node.inputs[1]).shape.rank() != 5)
    return "needs a 5-D input and filter";
  return {};
}

// A CONV_3D node's geometry and its constants as the GPU kernels read them:
// the filter rearranged by conv3d_filter_out_major, the bias (zeros without
// one). Only for nodes conv3d_gpu_unsupported accepts.
struct Conv3DGpuConstants {
  Conv3DGeometry geo;
  std::vector<float> filter, bias;
};
inline Conv3DGpuConstants conv3d_gpu_constants(const Graph& g, const Node& node) {
  Conv3DGpuConstants k;
  k.geo = conv3d_geometry(std::get<Conv3DAttrs>(node.attrs), g.value(node.inputs[0]).shape,
                          g.value(node.inputs[1]).shape);
  k.filter = conv3d_filter_out_major(
      read_float_constant(g.value(node.inputs[1])).value_or(std::vector<float>{}), k.geo);
  if (node.inputs.size() > 2 && node.inputs[2] != kNoValue)
    k.bias = read_float_constant(g.value(node.inputs[2])).value_or(std::vector<float>{});
  k.bias.resize(static_cast<size_t>(k.geo.out_c), 0.0f);
  return k;
}

}  // namespace odin
