// MAX_POOL_2D, AVERAGE_POOL_2D and RESIZE_BILINEAR on the optimized kernels
// (MAX_POOL_2D and RESIZE_BILINEAR of int8/uint8 too).
#include <algorithm>
#include <cmath>
#include <vector>

#include "backends/cpu/cpu_op.h"
#include "kernels/cpu/cpu_kernels.h"
#include "kernels/cpu/int8_kernels.h"
#include "kernels/reference/reference.h"

namespace odin {
namespace {

bool is_f32_4d(const Graph& g, ValueId v) {
  return v != kNoValue && g.value(v).dtype == DType::kF32 && g.value(v).shape.is_static() &&
         g.value(v).shape.rank() == 4 && g.value(v).shape.num_elements() > 0;
}

// Rows per chunk worth a split (ThreadPool::grain_for). In double: hostile
// window sizes make the per-row work overflow int64.
int64_t row_grain(const ThreadPool& pool, double row_elems) {
  return pool.grain_for(std::max(1.0, row_elems) * cpu::kStreamNsPerFloat);
}

class PoolOp final : public CpuOp {
 public:
  explicit PoolOp(const cpu::PoolParams& p) : p_(p) {}
  void run(std::span<const ConstTensorView> in, std::span<const TensorView> out,
           ThreadPool& pool) override {
    cpu::PoolParams p = p_;
    p.in = in[0].as<float>();
    p.out = out[0].as<float>();
    pool.parallel_for(p.batch * p.out_h,
                      row_grain(pool, static_cast<double>(p.out_w) * static_cast<double>(p.c) *
                                          static_cast<double>(std::min(p.k_h, p.in_h)) *
                                          static_cast<double>(std::min(p.k_w, p.in_w))),
                      [&](int64_t r0, int64_t r1, int) { cpu::pool_rows(p, r0, r1); });
  }

 private:
  cpu::PoolParams p_;
};

// Every window must hold at least one input pixel (the reference reports an
// error otherwise; leave that case to it).
bool windows_nonempty(int64_t in, int64_t out, int64_t filter, int64_t stride, int64_t before) {
  for (int64_t o = 0; o < out; ++o) {
    const int64_t x0 = o * stride - before;
    if (std::min(filter, in - x0) <= std::max<int64_t>(0, -x0)) return false;
  }
  return true;
}

// A pooling node's window over its 4-D input and output, when the kernels
// cover it (positive strides and window, the output TFLite's padding gives,
// no window wholly in the padding).
bool pool_geometry(const Graph& g, const Node& n, const Pool2DAttrs& a, cpu::WindowGeometry* w) {
  if (a.stride_h < 1 || a.stride_w < 1 || a.filter_h < 1 || a.filter_w < 1) return false;
  const Shape& in = g.value(n.inputs[0]).shape;
  const Shape& out = g.value(n.outputs[0]).shape;
  const SpatialPadding ph = compute_spatial_padding(a.padding, in[1], a.filter_h, a.stride_h, 1);
  const SpatialPadding pw = compute_spatial_padding(a.padding, in[2], a.filter_w, a.stride_w, 1);
  if (out[0] != in[0] || out[3] != in[3] || out[1] != ph.out || out[2] != pw.out) return false;
  if (!windows_nonempty(in[1], out[1], a.filter_h, a.stride_h, ph.before) ||
      !windows_nonempty(in[2], out[2], a.filter_w, a.stride_w, pw.before))
    return false;
  *w = cpu::window_geometry(in, out, a.filter_h, a.filter_w, a.stride_h, a.stride_w, ph.before,
                            pw.before);
  return true;
}

template <bool kAverage>
std::unique_ptr<CpuOp> make_pool(const Graph& g, const Node& n) {
  const auto* a = std::get_if<Pool2DAttrs>(&n.attrs);
  cpu::Clamp clamp;
  if (!a || !cpu::clamp_of(a->activation, &clamp)) return nullptr;
  if (!is_f32_4d(g, n.inputs[0]) || !is_f32_4d(g, n.outputs[0])) return nullptr;
  cpu::PoolParams p;
  if (!pool_geometry(g, n, *a, &p)) return nullptr;
  p.average = kAverage;
  p.clamp = clamp;
  return std::make_unique<PoolOp>(p);
}

// Source coordinates exactly as the reference (and TFLite's
// reference_ops::ResizeBilinear / ComputeInterpolationValues) compute them.
struct Axis {
  std::vector<int32_t> lo, hi;
  std::vector<float> frac;
};

Axis resize_axis(const ResizeAttrs& a, int32_t in, int32_t out) {
  const float scale = a.align_corners && out > 1
                          ? static_cast<float>(in - 1) / static_cast<float>(out - 1)
                          : static_cast<float>(in) / static_cast<float>(out);
  Axis ax;
  for (int32_t o = 0; o < out; ++o) {
    const float src = a.half_pixel_centers ? (static_cast<float>(o) + 0.5f) * scale - 0.5f
                                           : static_cast<float>(o) * scale;
    int32_t lo = std::max(static_cast<int32_t>(std::floor(src)), 0);
    int32_t hi = std::min(static_cast<int32_t>(std::ceil(src)), in - 1);
    lo = std::min(lo, in - 1);
    hi = std::max(hi, 0);
    ax.lo.push_back(lo);
    ax.hi.push_back(hi);
    ax.frac.push_back(src - static_cast<float>(lo));
  }
  return ax;
}

class ResizeBilinearOp final : public CpuOp {
 public:
  ResizeBilinearOp(const cpu::ResizeParams& p, Axis y, Axis x)
      : p_(p), y_(std::move(y)), x_(std::move(x)) {
    p_.y_lo = y_.lo.data();
    p_.y_hi = y_.hi.data();
    p_.y_frac = y_.frac.data();
    p_.x_lo = x_.lo.data();
    p_.x_hi = x_.hi.data();
    p_.x_frac = x_.frac.data();
  }
  void run(std::span<const ConstTensorView> in, std::span<const TensorView> out,
           ThreadPool& pool) override {
    cpu::ResizeParams p = p_;
    p.in = in[0].as<float>();
    p.out = out[0].as<float>();
    pool.parallel_for(
        p.batch * p.out_h,
        row_grain(pool, 4.0 * static_cast<double>(p.out_w) * static_cast<double>(p.c)),
        [&](int64_t r0, int64_t r1, int) { cpu::resize_bilinear_rows(p, r0, r1); });
  }

 private:
  cpu::ResizeParams p_;
  Axis y_, x_;
};

std::unique_ptr<CpuOp> make_resize_bilinear(const Graph& g, const Node& n) {
  const auto* a = std::get_if<ResizeAttrs>(&n.attrs);
  if (!a || !is_f32_4d(g, n.inputs[0]) || !is_f32_4d(g, n.outputs[0])) return nullptr;
  const Shape& in = g.value(n.inputs[0]).shape;
  const Shape& out = g.value(n.outputs[0]).shape;
  cpu::ResizeParams p;
  if (!cpu::resize_geometry(in, out, INT32_MAX, &p)) return nullptr;
  return std::make_unique<ResizeBilinearOp>(
      p, resize_axis(*a, static_cast<int32_t>(in[1]), static_cast<int32_t>(out[1])),
      resize_axis(*a, static_cast<int32_t>(in[2]), static_cast<int32_t>(out[2])));
}

class Int8MaxPoolOp final : public CpuOp {
 public:
  explicit Int8MaxPoolOp(const cpu::Int8MaxPoolParams& p) : p_(p) {}
  void run(std::span<const ConstTensorView> in, std::span<const TensorView> out,
           ThreadPool& pool) override {
    cpu::Int8MaxPoolParams p = p_;
    p.in = in[0].data;
    p.out = out[0].data;
    pool.parallel_for(p.batch * p.out_h,
                      row_grain(pool, static_cast<double>(p.out_w) * static_cast<double>(p.c) *
                                          static_cast<double>(std::min(p.k_h, p.in_h)) *
                                          static_cast<double>(std::min(p.k_w, p.in_w))),
                      [&](int64_t r0, int64_t r1, int) { cpu::int8_max_pool_rows(p, r0, r1); });
  }

 private:
  cpu::Int8MaxPoolParams p_;
};

// int8/uint8 MAX_POOL_2D: the output shares the input's table (inference
// checks), so the kernel compares bytes and clamps (reference pool_affine).
std::unique_ptr<CpuOp> make_int8_max_pool(const Graph& g, const Node& n) {
  const auto* a = std::get_if<Pool2DAttrs>(&n.attrs);
  if (!a) return nullptr;
  const Value& x = g.value(n.inputs[0]);
  const Value& y = g.value(n.outputs[0]);
  if (!is_affine_dtype(x.dtype) || y.dtype != x.dtype || !x.shape.is_static() ||
      x.shape.rank() != 4 || !y.shape.is_static() || y.shape.rank() != 4 || !y.quant ||
      y.quant->scales.empty())
    return nullptr;
  cpu::Int8MaxPoolParams p;
  if (!pool_geometry(g, n, *a, &p)) return nullptr;
  const QuantizedRange r = quantized_activation_range(a->activation, y.dtype, scale_of(*y.quant, 0),
                                                      zero_point_of(*y.quant, 0));
  p.lo = r.min;
  p.hi = r.max;
  p.is_unsigned = x.dtype == DType::kU8;
  return std::make_unique<Int8MaxPoolOp>(p);
}

class Int8ResizeBilinearOp final : public CpuOp {
 public:
  Int8ResizeBilinearOp(const cpu::Int8ResizeParams& p, const ResizeAttrs& a) : p_(p) {
    for (const ref::ResizeSampleQ10& s : ref::resize_samples_q10(a, p.in_h, p.out_h)) {
      y_lo_.push_back(static_cast<int32_t>(s.lo));
      y_hi_.push_back(static_cast<int32_t>(s.hi));
      y_frac_.push_back(static_cast<int32_t>(s.src - 1024 * s.lo));
    }
    for (const ref::ResizeSampleQ10& s : ref::resize_samples_q10(a, p.in_w, p.out_w)) {
      x_lo_.push_back(static_cast<int32_t>(s.lo));
      x_hi_.push_back(static_cast<int32_t>(s.hi));
      x_frac_.push_back(static_cast<int32_t>(s.src - 1024 * s.lo));
    }
    p_.y_lo = y_lo_.data();
    p_.y_hi = y_hi_.data();
    p_.y_frac = y_frac_.data();
    p_.x_lo = x_lo_.data();
    p_.x_hi = x_hi_.data();
    p_.x_frac = x_frac_.data();
  }
  void run(std::span<const ConstTensorView> in, std::span<const TensorView> out,
           ThreadPool& pool) override {
    cpu::Int8ResizeParams p = p_;
    p.in = in[0].data;
    p.out = out[0].data;
    pool.parallel_for(
        p.batch * p.out_h, row_grain(pool, static_cast<double>(p.out_w) * static_cast<double>(p.c)),
        [&](int64_t r0, int64_t r1, int) { cpu::int8_resize_bilinear_rows(p, r0, r1); });
  }

 private:
  cpu::Int8ResizeParams p_;
  std::vector<int32_t> y_lo_, y_hi_, y_frac_, x_lo_, x_hi_, x_frac_;
};

// int8/uint8 RESIZE_BILINEAR: the output shares the input's table
// (inference checks); TFLite's fixed point, exactly as the reference.
std::unique_ptr<CpuOp> make_int8_resize_bilinear(const Graph& g, const Node& n) {
  const auto* a = std::get_if<ResizeAttrs>(&n.attrs);
  if (!a) return nullptr;
  const Value& x = g.value(n.inputs[0]);
  const Value& y = g.value(n.outputs[0]);
  if (!is_affine_dtype(x.dtype) || y.dtype != x.dtype || !x.shape.is_static() ||
      !y.shape.is_static())
    return nullptr;
  cpu::Int8ResizeParams p;
  // Sizes within 2^20: the kernel's int32 indices and weights.
  if (!cpu::resize_geometry(x.shape, y.shape, int64_t{1} << 20, &p)) return nullptr;
  p.is_unsigned = x.dtype == DType::kU8;
  return std::make_unique<Int8ResizeBilinearOp>(p, *a);
}

// The checks every op here shares: one run-time image in, one output; the
// op reads the image.
template <std::unique_ptr<CpuOp> (*kMake)(const Graph&, const Node&)>
std::unique_ptr<CpuOp> make_window(const CpuOpContext& ctx, const Node& n) {
  if (n.inputs.empty() || n.outputs.size() != 1) return nullptr;
  if (n.inputs[0] == kNoValue || ctx.graph.value(n.inputs[0]).is_constant()) return nullptr;
  std::unique_ptr<CpuOp> op = kMake(ctx.graph, n);
  if (op) {
    op->reads = {n.inputs[0]};
    op->writes = n.outputs;
  }
  return op;
}

constexpr CpuOpEntry kEntries[] = {
    {OpType::kMaxPool2D, make_window<make_pool<false>>},
    {OpType::kMaxPool2D, make_window<make_int8_max_pool>},
    {OpType::kAveragePool2D, make_window<make_pool<true>>},
    {OpType::kResizeBilinear, make_window<make_resize_bilinear>},
    {OpType::kResizeBilinear, make_window<make_int8_resize_bilinear>},
};

}  // namespace

std::span<const CpuOpEntry> cpu_window_ops() {
  return kEntries;
}

}  // namespace odin
