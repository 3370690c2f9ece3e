// Reference RESIZE_BILINEAR and RESIZE_NEAREST_NEIGHBOR, in float exactly as
// TFLite's reference_ops (resize_bilinear.h ResizeBilinear /
// ComputeInterpolationValues, resize_nearest_neighbor.h GetNearestNeighbor);
// int8/uint8 bilinear in TFLite's fixed point (ResizeBilinearInteger).
#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <vector>

#include "kernels/reference/index_walk.h"
#include "kernels/reference/ref_util.h"
#include "kernels/reference/reference.h"
#include "quant/affine.h"

namespace odin::ref {
namespace {

struct Sample {
  float src;       // source coordinate
  int32_t lo, hi;  // neighbours; the weight of hi is src - lo
};

Sample bilinear_sample(int32_t dst, float scale, bool half_pixel_centers, int32_t in) {
  Sample s;
  s.src = half_pixel_centers ? (static_cast<float>(dst) + 0.5f) * scale - 0.5f
                             : static_cast<float>(dst) * scale;
  s.lo = std::max(static_cast<int32_t>(std::floor(s.src)), 0);
  s.hi = std::min(static_cast<int32_t>(std::ceil(s.src)), in - 1);
  // Keep hostile values in range (cannot happen for in, out >= 1).
  s.lo = std::min(s.lo, in - 1);
  s.hi = std::max(s.hi, 0);
  return s;
}

int32_t nearest_index(int32_t dst, float scale, const ResizeAttrs& a, int32_t in) {
  const float offset = a.half_pixel_centers ? 0.5f : 0.0f;
  const float src = (static_cast<float>(dst) + offset) * scale;
  // TfLiteRound is std::round: halves away from zero.
  int32_t i = a.align_corners ? static_cast<int32_t>(std::round(src))
                              : static_cast<int32_t>(std::floor(src));
  i = std::min(i, in - 1);
  return std::max(i, 0);  // TFLite clamps at 0 with half_pixel_centers; src >= 0 otherwise
}

// Float32 views, or int8/uint8 ones of one dtype (the output keeps the
// input's quantization: inference checks).
Status check(const char* op, const ConstTensorView& in, const TensorView& out) {
  if (is_affine_dtype(in.dtype)) {
    ODIN_RETURN_IF_ERROR(expect_same_dtype(op, in, out));
  } else {
    ODIN_RETURN_IF_ERROR(expect_f32(op, "input", in));
    ODIN_RETURN_IF_ERROR(expect_f32(op, "output", out));
  }
  ODIN_RETURN_IF_ERROR(expect_rank(op, "input", in, 4));
  ODIN_RETURN_IF_ERROR(expect_rank(op, "output", out, 4));
  if (!valid_view(in) || out.num_elements() < 0) return bad_shape(op, "shapes must be static");
  if (out.shape[0] != in.shape[0] || out.shape[3] != in.shape[3])
    return bad_shape(op, "output ", out.shape.str(), " does not match input ", in.shape.str());
  for (size_t d = 1; d <= 2; ++d)
    if (in.shape[d] < 1 || out.shape[d] < 1 || in.shape[d] > INT32_MAX || out.shape[d] > INT32_MAX)
      return bad_shape(op, "spatial sizes of input ", in.shape.str(), " and output ",
                       out.shape.str(), " must be in [1, 2^31)");
  return Status();
}

int64_t scale_q10(bool align_corners, int64_t in, int64_t out) {
  if (align_corners && out > 1) return ((int64_t{1} << 10) * (in - 1) + (out - 1) / 2) / (out - 1);
  return ((int64_t{1} << 10) * in + out / 2) / out;
}

// TFLite's int8/uint8 bilinear (ResizeBilinearInteger): the four raw
// values weighted in 1/2^20, rounded half away from zero.
template <typename T>
void bilinear_affine(const ResizeAttrs& attrs, const ConstTensorView& in, const TensorView& out) {
  const int64_t batch = in.shape[0], in_h = in.shape[1], in_w = in.shape[2], ch = in.shape[3];
  const int64_t out_h = out.shape[1], out_w = out.shape[2];
  const std::vector<ResizeSampleQ10> ys = resize_samples_q10(attrs, in_h, out_h);
  const std::vector<ResizeSampleQ10> xs = resize_samples_q10(attrs, in_w, out_w);
  const T* x = in.as<T>();
  T* y = out.as<T>();
  const auto at = [&](int64_t n, int64_t r, int64_t c, int64_t k) -> int64_t {
    return x[((n * in_h + r) * in_w + c) * ch + k];
  };
  for (int64_t n = 0; n < batch; ++n)
    for (int64_t oy = 0; oy < out_h; ++oy) {
      const ResizeSampleQ10& sy = ys[static_cast<size_t>(oy)];
      const int64_t dy = sy.src - 1024 * sy.lo;
      for (int64_t ox = 0; ox < out_w; ++ox) {
        const ResizeSampleQ10& sx = xs[static_cast<size_t>(ox)];
        const int64_t dx = sx.src - 1024 * sx.lo;
        for (int64_t k = 0; k < ch; ++k) {
          const int64_t v = at(n, sy.lo, sx.lo, k) * (1024 - dy) * (1024 - dx) +
                            at(n, sy.hi, sx.lo, k) * dy * (1024 - dx) +
                            at(n, sy.lo, sx.hi, k) * (1024 - dy) * dx +
                            at(n, sy.hi, sx.hi, k) * dy * dx;
          const int64_t r = (v + (v > 0 ? 1 << 19 : -(1 << 19))) / (1 << 20);
          y[((n * out_h + oy) * out_w + ox) * ch + k] = static_cast<T>(
              std::clamp<int64_t>(r, std::numeric_limits<T>::min(), std::numeric_limits<T>::max()));
        }
      }
    }
}

}  // namespace

std::vector<ResizeSampleQ10> resize_samples_q10(const ResizeAttrs& attrs, int64_t in, int64_t out) {
  const int64_t scale = scale_q10(attrs.align_corners, in, out);
  std::vector<ResizeSampleQ10> samples(static_cast<size_t>(std::max<int64_t>(out, 0)));
  for (int64_t dst = 0; dst < out; ++dst) {
    ResizeSampleQ10& s = samples[static_cast<size_t>(dst)];
    s.src = dst * scale + (attrs.half_pixel_centers ? scale / 2 - (int64_t{1} << 9) : 0);
    s.lo = std::clamp<int64_t>(s.src / 1024, 0, in - 1);  // C division, as TFLite
    s.hi = std::clamp<int64_t>((s.src + 1023) / 1024, 0, in - 1);
  }
  return samples;
}

std::vector<int32_t> resize_sample_table_q10(const ResizeAttrs& attrs, int64_t in_h, int64_t out_h,
                                             int64_t in_w, int64_t out_w) {
  std::vector<int32_t> table;
  for (const auto& [in, out] : {std::pair{in_h, out_h}, std::pair{in_w, out_w}})
    for (const ResizeSampleQ10& s : resize_samples_q10(attrs, in, out))
      for (int64_t v : {s.lo, s.hi, s.src - 1024 * s.lo}) table.push_back(static_cast<int32_t>(v));
  return table;
}

Status resize_bilinear(const ResizeAttrs& attrs, const ConstTensorView& in, const TensorView& out) {
  ODIN_RETURN_IF_ERROR(check("resize_bilinear", in, out));
  if (in.dtype == DType::kI8) return bilinear_affine<int8_t>(attrs, in, out), Status();
  if (in.dtype == DType::kU8) return bilinear_affine<uint8_t>(attrs, in, out), Status();
  const int64_t batch = in.shape[0], ch = in.shape[3];
  const auto in_h = static_cast<int32_t>(in.shape[1]), in_w = static_cast<int32_t>(in.shape[2]);
  const auto out_h = static_cast<int32_t>(out.shape[1]), out_w = static_cast<int32_t>(out.shape[2]);
  const float scale_h = resize_scale(attrs, in_h, out_h);
  const float scale_w = resize_scale(attrs, in_w, out_w);
  const float* x = in.as<float>();
  float* y = out.as<float>();
  auto at = [&](int64_t n, int64_t r, int64_t c, int64_t k) {
    return x[((n * in_h + r) * in_w + c) * ch + k];
  };
  for (int64_t n = 0; n < batch; ++n) {
    for (int32_t oy = 0; oy < out_h; ++oy) {
      const Sample sy = bilinear_sample(oy, scale_h, attrs.half_pixel_centers, in_h);
      const float wy = sy.src - static_cast<float>(sy.lo);
      for (int32_t ox = 0; ox < out_w; ++ox) {
        const Sample sx = bilinear_sample(ox, scale_w, attrs.half_pixel_centers, in_w);
        const float wx = sx.src - static_cast<float>(sx.lo);
        for (int64_t k = 0; k < ch; ++k) {
          // Same terms and order as TFLite's float ResizeBilinear.
          y[((n * out_h + oy) * out_w + ox) * ch + k] =
              at(n, sy.lo, sx.lo, k) * (1 - wy) * (1 - wx) +
              at(n, sy.hi, sx.lo, k) * wy * (1 - wx) + at(n, sy.lo, sx.hi, k) * (1 - wy) * wx +
              at(n, sy.hi, sx.hi, k) * wy * wx;
        }
      }
    }
  }
  return Status();
}

Status resize_nearest(const ResizeAttrs& attrs, const ConstTensorView& in, const TensorView& out) {
  ODIN_RETURN_IF_ERROR(check("resize_nearest", in, out));
  const int64_t batch = in.shape[0], ch = in.shape[3];
  const auto in_h = static_cast<int32_t>(in.shape[1]), in_w = static_cast<int32_t>(in.shape[2]);
  const auto out_h = static_cast<int32_t>(out.shape[1]), out_w = static_cast<int32_t>(out.shape[2]);
  const float scale_h = resize_scale(attrs, in_h, out_h);
  const float scale_w = resize_scale(attrs, in_w, out_w);
  // Whole pixels copied, so any element size (int8 keeps its quantization).
  const size_t pixel = static_cast<size_t>(ch) * dtype_size(in.dtype);
  const auto* x = static_cast<const uint8_t*>(in.data);
  auto* y = static_cast<uint8_t*>(out.data);
  for (int64_t n = 0; n < batch; ++n) {
    for (int32_t oy = 0; oy < out_h; ++oy) {
      const int64_t iy = nearest_index(oy, scale_h, attrs, in_h);
      for (int32_t ox = 0; ox < out_w; ++ox) {
        const int64_t ix = nearest_index(ox, scale_w, attrs, in_w);
        std::memcpy(y + static_cast<size_t>((n * out_h + oy) * out_w + ox) * pixel,
                    x + static_cast<size_t>((n * in_h + iy) * in_w + ix) * pixel, pixel);
      }
    }
  }
  return Status();
}

Status resize_bilinear_node(const KernelArgs& args) {
  const auto* a = args.attrs<ResizeAttrs>();
  if (!a) return missing_attrs(args);
  return resize_bilinear(*a, args.input(0), args.outputs[0]);
}

Status resize_nearest_node(const KernelArgs& args) {
  const auto* a = args.attrs<ResizeAttrs>();
  if (!a) return missing_attrs(args);
  return resize_nearest(*a, args.input(0), args.outputs[0]);
}

}  // namespace odin::ref
