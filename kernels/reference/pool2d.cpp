// Reference AVERAGE_POOL_2D and MAX_POOL_2D (TFLite reference_ops::AveragePool
// and MaxPool): each window is clipped to the input, so padding never enters
// a max and an average divides by the count of in-bounds pixels only.
// Float32, or int8/uint8 in the input's quantization.
#include <algorithm>
#include <limits>

#include "kernels/reference/ref_util.h"
#include "kernels/reference/reference.h"
#include "quant/affine.h"

namespace odin::ref {
namespace {

enum class PoolKind { kAverage, kMax };

// The window loops for elements T (float, int8_t, uint8_t), sums in S;
// finish(sum, max, count) gives the output element.
template <typename T, typename S, typename Finish>
Status pool_loops(const char* op, const Pool2DAttrs& attrs, const ConstTensorView& in,
                  const TensorView& out, const Finish& finish) {
  const int64_t batch = in.shape[0], in_h = in.shape[1], in_w = in.shape[2], ch = in.shape[3];
  const SpatialPadding ph =
      compute_spatial_padding(attrs.padding, in_h, attrs.filter_h, attrs.stride_h, 1);
  const SpatialPadding pw =
      compute_spatial_padding(attrs.padding, in_w, attrs.filter_w, attrs.stride_w, 1);
  const int64_t out_h = out.shape[1], out_w = out.shape[2];
  if (out.shape[0] != batch || out.shape[3] != ch || out_h != ph.out || out_w != pw.out)
    return bad_shape(op, "output shape ", out.shape.str(), " does not match input ",
                     in.shape.str());
  const T* x = in.as<T>();
  T* y = out.as<T>();
  for (int64_t n = 0; n < batch; ++n) {
    for (int64_t oy = 0; oy < out_h; ++oy) {
      const int64_t y0 = oy * attrs.stride_h - ph.before;
      const int64_t fy_begin = std::max<int64_t>(0, -y0);
      const int64_t fy_end = std::min<int64_t>(attrs.filter_h, in_h - y0);
      for (int64_t ox = 0; ox < out_w; ++ox) {
        const int64_t x0 = ox * attrs.stride_w - pw.before;
        const int64_t fx_begin = std::max<int64_t>(0, -x0);
        const int64_t fx_end = std::min<int64_t>(attrs.filter_w, in_w - x0);
        for (int64_t c = 0; c < ch; ++c) {
          S sum = 0;
          T max = std::numeric_limits<T>::lowest();
          int64_t count = 0;
          for (int64_t fy = fy_begin; fy < fy_end; ++fy) {
            for (int64_t fx = fx_begin; fx < fx_end; ++fx) {
              const T v = x[((n * in_h + y0 + fy) * in_w + x0 + fx) * ch + c];
              sum += v;
              max = std::max(max, v);
              ++count;
            }
          }
          if (count == 0) return bad_shape(op, "a pooling window lies entirely in the padding");
          y[((n * out_h + oy) * out_w + ox) * ch + c] = finish(sum, max, count);
        }
      }
    }
  }
  return Status();
}

// int8/uint8 (TFLite reference_integer_ops::AveragePool / MaxPool): the
// output shares the input's scale and zero point (inference checks); the
// average rounds half away from zero; both clamp to the fused activation.
template <typename T>
Status pool_affine(PoolKind kind, const Pool2DAttrs& attrs, const KernelArgs& args) {
  const char* op = kind == PoolKind::kAverage ? "average_pool2d" : "max_pool2d";
  const Value& y = args.graph.value(args.node.outputs[0]);
  if (!y.quant || y.quant->scales.empty()) return bad_shape(op, "output has no quantization");
  const QuantizedRange r = quantized_activation_range(
      attrs.activation, y.dtype, scale_of(*y.quant, 0), zero_point_of(*y.quant, 0));
  return pool_loops<T, int64_t>(
      op, attrs, args.input(0), args.outputs[0], [&](int64_t sum, T max, int64_t count) {
        int64_t v = max;
        if (kind == PoolKind::kAverage)
          v = sum > 0 ? (sum + count / 2) / count : (sum - count / 2) / count;
        return static_cast<T>(std::clamp<int64_t>(v, r.min, r.max));
      });
}

Status pool2d(PoolKind kind, const Pool2DAttrs& attrs, const ConstTensorView& in,
              const TensorView& out, const KernelArgs* args) {
  const char* op = kind == PoolKind::kAverage ? "average_pool2d" : "max_pool2d";
  ODIN_RETURN_IF_ERROR(expect_rank(op, "input", in, 4));
  ODIN_RETURN_IF_ERROR(expect_rank(op, "output", out, 4));
  if (!valid_view(in) || out.num_elements() < 0) return bad_shape(op, "shapes must be static");
  if (attrs.stride_h < 1 || attrs.stride_w < 1 || attrs.filter_h < 1 || attrs.filter_w < 1)
    return bad_shape(op, "strides and filter sizes must be >= 1");
  if (args && is_affine_dtype(in.dtype)) {
    if (out.dtype != in.dtype) return bad_shape(op, "output dtype differs from the input's");
    return in.dtype == DType::kI8 ? pool_affine<int8_t>(kind, attrs, *args)
                                  : pool_affine<uint8_t>(kind, attrs, *args);
  }
  ODIN_RETURN_IF_ERROR(expect_f32(op, "input", in));
  ODIN_RETURN_IF_ERROR(expect_f32(op, "output", out));
  return pool_loops<float, float>(op, attrs, in, out, [&](float sum, float max, int64_t count) {
    const float v = kind == PoolKind::kAverage ? sum / static_cast<float>(count) : max;
    return apply_activation(attrs.activation, v);
  });
}

}  // namespace

Status average_pool2d(const Pool2DAttrs& attrs, const ConstTensorView& in, const TensorView& out) {
  return pool2d(PoolKind::kAverage, attrs, in, out, nullptr);
}

Status max_pool2d(const Pool2DAttrs& attrs, const ConstTensorView& in, const TensorView& out) {
  return pool2d(PoolKind::kMax, attrs, in, out, nullptr);
}

Status average_pool2d_node(const KernelArgs& args) {
  const auto* a = args.attrs<Pool2DAttrs>();
  if (!a) return missing_attrs(args);
  return pool2d(PoolKind::kAverage, *a, args.input(0), args.outputs[0], &args);
}

Status max_pool2d_node(const KernelArgs& args) {
  const auto* a = args.attrs<Pool2DAttrs>();
  if (!a) return missing_attrs(args);
  return pool2d(PoolKind::kMax, *a, args.input(0), args.outputs[0], &args);
}

}  // namespace odin::ref
