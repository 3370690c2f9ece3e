// Reference AVERAGE_POOL_2D and MAX_POOL_2D (TFLite reference_ops::AveragePool
// and MaxPool): each window is clipped to the input, so padding never enters
// a max and an average divides by the count of in-bounds pixels only.
#include <algorithm>
#include <limits>

#include "kernels/reference/ref_util.h"
#include "kernels/reference/reference.h"

namespace odin::ref {
namespace {

enum class PoolKind { kAverage, kMax };

Status pool2d(PoolKind kind, const Pool2DAttrs& attrs, const ConstTensorView& in,
              const TensorView& out) {
  const char* op = kind == PoolKind::kAverage ? "average_pool2d" : "max_pool2d";
  ODIN_RETURN_IF_ERROR(expect_f32(op, "input", in));
  ODIN_RETURN_IF_ERROR(expect_f32(op, "output", out));
  ODIN_RETURN_IF_ERROR(expect_rank(op, "input", in, 4));
  ODIN_RETURN_IF_ERROR(expect_rank(op, "output", out, 4));
  if (!valid_view(in) || out.num_elements() < 0) return bad_shape(op, "shapes must be static");
  if (attrs.stride_h < 1 || attrs.stride_w < 1 || attrs.filter_h < 1 || attrs.filter_w < 1)
    return bad_shape(op, "strides and filter sizes must be >= 1");
  const int64_t batch = in.shape[0], in_h = in.shape[1], in_w = in.shape[2], ch = in.shape[3];
  const SpatialPadding ph =
      compute_spatial_padding(attrs.padding, in_h, attrs.filter_h, attrs.stride_h, 1);
  const SpatialPadding pw =
      compute_spatial_padding(attrs.padding, in_w, attrs.filter_w, attrs.stride_w, 1);
  const int64_t out_h = out.shape[1], out_w = out.shape[2];
  if (out.shape[0] != batch || out.shape[3] != ch || out_h != ph.out || out_w != pw.out)
    return bad_shape(op, "output shape ", out.shape.str(), " does not match input ",
                     in.shape.str());

  const float* x = in.as<float>();
  float* y = out.as<float>();
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
          float sum = 0.0f;
          float max = std::numeric_limits<float>::lowest();
          int64_t count = 0;
          for (int64_t fy = fy_begin; fy < fy_end; ++fy) {
            for (int64_t fx = fx_begin; fx < fx_end; ++fx) {
              const float v = x[((n * in_h + y0 + fy) * in_w + x0 + fx) * ch + c];
              sum += v;
              max = std::max(max, v);
              ++count;
            }
          }
          if (count == 0) return bad_shape(op, "a pooling window lies entirely in the padding");
          const float r = kind == PoolKind::kAverage ? sum / static_cast<float>(count) : max;
          y[((n * out_h + oy) * out_w + ox) * ch + c] = apply_activation(attrs.activation, r);
        }
      }
    }
  }
  return Status();
}

}  // namespace

Status average_pool2d(const Pool2DAttrs& attrs, const ConstTensorView& in, const TensorView& out) {
  return pool2d(PoolKind::kAverage, attrs, in, out);
}

Status max_pool2d(const Pool2DAttrs& attrs, const ConstTensorView& in, const TensorView& out) {
  return pool2d(PoolKind::kMax, attrs, in, out);
}

Status average_pool2d_node(const KernelArgs& args) {
  const auto* a = args.attrs<Pool2DAttrs>();
  if (!a) return missing_attrs(args);
  return average_pool2d(*a, args.input(0), args.outputs[0]);
}

Status max_pool2d_node(const KernelArgs& args) {
  const auto* a = args.attrs<Pool2DAttrs>();
  if (!a) return missing_attrs(args);
  return max_pool2d(*a, args.input(0), args.outputs[0]);
}

}  // namespace odin::ref
