// The int8/uint8 (affine-quantized) nodes on the optimized int8 kernels
// (kernels/cpu/int8_kernels.h): CONV_2D, FULLY_CONNECTED, DEPTHWISE_CONV_2D
// (multiplier 1), same-shape ADD / SUB, PRELU with one alpha per channel and
// QUANTIZE of float32 (MAX_POOL_2D is in cpu_ops_window.cpp). With
// SessionOptions::exact_int8 each computes exactly what the reference
// kernel does (the same quant/affine.h tables, built here the way the
// reference kernels build them); by default they requantize in float32 as
// XNNPACK (int8_kernels.h Int8Rounding). Float nodes and shapes a kernel
// does not cover return null (the float entry or the reference).
#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

#include "backends/cpu/cpu_op.h"
#include "kernels/cpu/int8_conv.h"
#include "kernels/cpu/int8_depthwise_vnni.h"
#include "kernels/cpu/int8_kernels.h"

namespace odin {
namespace {

cpu::Int8Rounding rounding_of(const CpuOpContext& ctx) {
  return ctx.exact_int8 ? cpu::Int8Rounding::kExact : cpu::Int8Rounding::kFloat;
}

bool is_affine(const Graph& g, ValueId v) {
  return v != kNoValue && is_affine_dtype(g.value(v).dtype) && g.value(v).shape.is_static() &&
         g.value(v).quant && !g.value(v).quant->scales.empty();
}

// Input 0 (an activation) and output 0 one affine dtype (per-tensor
// tables), weights (input 1) constant of that dtype, the optional bias
// (input 2) constant int32 with one value per output channel.
bool weighted_operands_fit(const Graph& g, const Node& n, int64_t channels) {
  if (n.inputs.size() < 2 || n.outputs.size() != 1) return false;
  const ValueId x = n.inputs[0], w = n.inputs[1], y = n.outputs[0];
  if (!is_affine(g, x) || !is_affine(g, w) || !is_affine(g, y)) return false;
  const DType t = g.value(x).dtype;
  if (g.value(w).dtype != t || g.value(y).dtype != t || !g.value(w).is_constant() ||
      !g.value(w).data || g.value(x).is_constant())
    return false;
  if (n.inputs.size() < 3 || n.inputs[2] == kNoValue) return true;
  const Value& b = g.value(n.inputs[2]);
  return b.dtype == DType::kI32 && b.data && b.shape.num_elements() == channels;
}

const int32_t* bias_of(const Graph& g, const Node& n) {
  if (n.inputs.size() < 3 || n.inputs[2] == kNoValue) return nullptr;
  return reinterpret_cast<const int32_t*>(g.value(n.inputs[2]).data);
}

// The reference's tables (weighted_arith.h affine_arith) for `channels`
// output channels.
cpu::Int8ConvParams conv_params(const CpuOpContext& ctx, const Node& n, int64_t channels,
                                Activation act) {
  const Graph& g = ctx.graph;
  const Value& x = g.value(n.inputs[0]);
  const Value& w = g.value(n.inputs[1]);
  const Value& y = g.value(n.outputs[0]);
  cpu::Int8ConvParams p;
  p.is_unsigned = x.dtype == DType::kU8;
  p.filter = w.data;
  for (int64_t c = 0; c < channels; ++c)
    p.filter_zero.push_back(zero_point_of(*w.quant, static_cast<size_t>(c)));
  p.bias = bias_of(g, n);
  p.in_zero = zero_point_of(*x.quant, 0);
  p.multiplier = output_multipliers(*x.quant, *w.quant, *y.quant, channels);
  p.out_zero = zero_point_of(*y.quant, 0);
  p.range = quantized_activation_range(act, y.dtype, scale_of(*y.quant, 0), p.out_zero);
  p.rounding = rounding_of(ctx);
  return p;
}

// Reads the image; weights and bias are repacked into the op.
std::unique_ptr<CpuOp> bind(std::unique_ptr<CpuOp> op, const Node& n) {
  op->reads = {n.inputs[0]};
  for (size_t i = 1; i < n.inputs.size() && i < 3; ++i)
    if (n.inputs[i] != kNoValue) op->copied_constants.push_back(n.inputs[i]);
  return op;
}

class Int8ConvOp final : public CpuOp {
 public:
  Int8ConvOp(const cpu::Int8ConvParams& p, const CpuOpContext& ctx)
      : conv_(p, ctx.num_threads, ctx.arena, ctx.scratch) {}
  void run(std::span<const ConstTensorView> in, std::span<const TensorView> out,
           ThreadPool& pool) override {
    conv_.run(in[0].data, out[0].data, pool);
  }
  size_t packed_bytes() const override { return conv_.packed_bytes(); }

 private:
  cpu::Int8Conv conv_;
};

std::unique_ptr<CpuOp> make_conv(const CpuOpContext& ctx, const Node& n, const cpu::ConvShape& s,
                                 Activation act) {
  cpu::Int8ConvParams p = conv_params(ctx, n, s.out_c, act);
  p.shape = s;
  if (!cpu::Int8Conv::sums_fit(p)) return nullptr;
  return bind(std::make_unique<Int8ConvOp>(p, ctx), n);
}

std::unique_ptr<CpuOp> make_conv2d(const CpuOpContext& ctx, const Node& n) {
  const Graph& g = ctx.graph;
  const auto* a = std::get_if<Conv2DAttrs>(&n.attrs);
  if (!a || n.inputs.size() < 2 || n.outputs.size() != 1) return nullptr;
  const Shape& in = g.value(n.inputs[0]).shape;
  const Shape& f = g.value(n.inputs[1]).shape;
  const Shape& out = g.value(n.outputs[0]).shape;
  if (in.rank() != 4 || f.rank() != 4 || out.rank() != 4) return nullptr;
  if (!weighted_operands_fit(g, n, out[3])) return nullptr;
  if (f[0] != out[3] || f[3] != in[3] || out[0] != in[0]) return nullptr;  // grouped: reference
  const SpatialPadding ph = conv_padding_h(*a, in[1], f[1]);
  const SpatialPadding pw = conv_padding_w(*a, in[2], f[2]);
  if (ph.out != out[1] || pw.out != out[2]) return nullptr;
  return make_conv(ctx, n, cpu::conv_shape(in, out, f, *a, ph.before, pw.before), a->activation);
}

// FULLY_CONNECTED: a 1x1 convolution over a row of `rows` pixels.
std::unique_ptr<CpuOp> make_fully_connected(const CpuOpContext& ctx, const Node& n) {
  const Graph& g = ctx.graph;
  const auto* a = std::get_if<FullyConnectedAttrs>(&n.attrs);
  if (!a || n.inputs.size() < 2 || n.outputs.size() != 1) return nullptr;
  const Shape& ws = g.value(n.inputs[1]).shape;
  if (ws.rank() != 2 || !weighted_operands_fit(g, n, ws[0])) return nullptr;
  const int64_t units = ws[0], depth = ws[1];
  const int64_t numel = g.value(n.inputs[0]).shape.num_elements();
  if (depth < 1 || units < 1 || numel % depth != 0) return nullptr;
  if (g.value(n.outputs[0]).shape.num_elements() != numel / depth * units) return nullptr;
  cpu::ConvShape s;
  s.in_h = s.out_h = 1;
  s.in_w = s.out_w = numel / depth;
  s.in_c = depth;
  s.out_c = units;
  return make_conv(ctx, n, s, a->activation);
}

class Int8DepthwiseOp final : public CpuOp {
 public:
  Int8DepthwiseOp(const cpu::Int8DepthwiseParams& p, const cpu::Int8ConvParams& cp,
                  cpu::WeightArena* arena)
      : p_(p) {
    cpu::Int8Requant q =
        cpu::make_int8_requant(cp.multiplier, cp.out_zero, cp.range, cp.is_unsigned, cp.rounding);
    for (int64_t c = 0; cp.bias && c < p.c; ++c) q.bias[static_cast<size_t>(c)] = cp.bias[c];
    if (vnni_fits(p, cp)) {
      vnni_ = cpu::pack_int8_depthwise_vnni(static_cast<const int8_t*>(cp.filter), p.k_h, p.k_w,
                                            p.c, q, cp.in_zero, arena);
      return;
    }
    w_ = cpu::pack_int8_depthwise(cp.filter, cp.is_unsigned, cp.filter_zero, p.k_h * p.k_w, p.c, q,
                                  arena);
    p_.w = &w_;
  }
  void run(std::span<const ConstTensorView> in, std::span<const TensorView> out,
           ThreadPool& pool) override {
    cpu::Int8DepthwiseParams p = p_;
    p.in = in[0].data;
    p.out = out[0].data;
    const int64_t rows = p.batch * p.out_h;
    const int64_t per_row = std::max<int64_t>(1, p.out_w * p.c * p.k_h * p.k_w);
    pool.parallel_for(rows, std::max<int64_t>(1, (int64_t{1} << 15) / per_row),
                      [&](int64_t r0, int64_t r1, int) {
                        if (!vnni_.empty())
                          cpu::int8_depthwise_vnni_rows(p, vnni_, r0, r1);
                        else
                          cpu::int8_depthwise_rows(p, r0, r1);
                      });
  }
  size_t packed_bytes() const override { return vnni_.empty() ? w_.bytes() : vnni_.bytes(); }

 private:
  // The VNNI kernel: int8 with zero weight zero points, no dilation.
  static bool vnni_fits(const cpu::Int8DepthwiseParams& p, const cpu::Int8ConvParams& cp) {
    if (cp.is_unsigned || p.dilation_h != 1 || p.dilation_w != 1) return false;
    for (int32_t z : cp.filter_zero)
      if (z != 0) return false;
    return cpu::int8_depthwise_vnni_supported();
  }

  cpu::Int8DepthwiseParams p_;
  cpu::Int8DepthwiseWeights w_;
  cpu::Int8DepthwiseVnni vnni_;
};

std::unique_ptr<CpuOp> make_depthwise(const CpuOpContext& ctx, const Node& n) {
  const Graph& g = ctx.graph;
  const auto* a = std::get_if<DepthwiseConv2DAttrs>(&n.attrs);
  if (!a || n.inputs.size() < 2 || n.outputs.size() != 1) return nullptr;
  const Shape& in = g.value(n.inputs[0]).shape;
  const Shape& f = g.value(n.inputs[1]).shape;
  const Shape& out = g.value(n.outputs[0]).shape;
  if (in.rank() != 4 || f.rank() != 4 || out.rank() != 4 || f[0] != 1) return nullptr;
  if (!weighted_operands_fit(g, n, out[3])) return nullptr;
  if (f[3] != in[3] || out[3] != in[3] || out[0] != in[0]) return nullptr;  // multiplier > 1
  const SpatialPadding ph = conv_padding_h(*a, in[1], f[1]);
  const SpatialPadding pw = conv_padding_w(*a, in[2], f[2]);
  if (ph.out != out[1] || pw.out != out[2]) return nullptr;
  const cpu::Int8ConvParams cp = conv_params(ctx, n, out[3], a->activation);
  int64_t bias = 0;
  for (int64_t c = 0; cp.bias && c < out[3]; ++c)
    bias = std::max(bias, std::abs(int64_t{cp.bias[c]}));
  if (f[1] * f[2] * 255 * 255 + bias > std::numeric_limits<int32_t>::max()) return nullptr;
  cpu::Int8DepthwiseParams p;
  static_cast<cpu::WindowGeometry&>(p) =
      cpu::window_geometry(in, out, f[1], f[2], a->stride_h, a->stride_w, ph.before, pw.before);
  p.dilation_h = a->dilation_h;
  p.dilation_w = a->dilation_w;
  p.in_zero = cp.in_zero;
  p.in_unsigned = cp.is_unsigned;
  return bind(std::make_unique<Int8DepthwiseOp>(p, cp, ctx.arena), n);
}

class Int8AddOp final : public CpuOp {
 public:
  explicit Int8AddOp(const cpu::Int8AddParams& p) : p_(p) {}
  void run(std::span<const ConstTensorView> in, std::span<const TensorView> out,
           ThreadPool& pool) override {
    const auto* a = static_cast<const uint8_t*>(in[0].data);
    const auto* b = static_cast<const uint8_t*>(in[1].data);
    auto* y = static_cast<uint8_t*>(out[0].data);
    pool.parallel_for(out[0].num_elements(), int64_t{1} << 14, [&](int64_t i0, int64_t i1, int) {
      cpu::int8_add(p_, a + i0, b + i0, y + i0, i1 - i0);
    });
  }

 private:
  cpu::Int8AddParams p_;
};

// ADD / SUB of two same-shape activations (broadcasts: reference).
std::unique_ptr<CpuOp> make_add(const CpuOpContext& ctx, const Node& n) {
  const Graph& g = ctx.graph;
  const auto* attrs = std::get_if<BinaryAttrs>(&n.attrs);
  if (!attrs || attrs->operand_pad.active() || n.inputs.size() != 2 || n.outputs.size() != 1)
    return nullptr;
  const ValueId a = n.inputs[0], b = n.inputs[1], y = n.outputs[0];
  if (!is_affine(g, a) || !is_affine(g, b) || !is_affine(g, y)) return nullptr;
  const Value &va = g.value(a), &vb = g.value(b), &vy = g.value(y);
  if (va.dtype != vy.dtype || vb.dtype != vy.dtype || va.is_constant() || vb.is_constant())
    return nullptr;
  if (va.shape != vy.shape || vb.shape != vy.shape) return nullptr;
  cpu::Int8AddParams p;
  p.a_zero = zero_point_of(*va.quant, 0);
  p.b_zero = zero_point_of(*vb.quant, 0);
  p.out_zero = zero_point_of(*vy.quant, 0);
  const float so = scale_of(*vy.quant, 0);
  const QuantizedRange r = quantized_activation_range(attrs->activation, vy.dtype, so, p.out_zero);
  p.lo = r.min;
  p.hi = r.max;
  p.add = affine_addition(scale_of(*va.quant, 0), scale_of(*vb.quant, 0), so);
  p.subtract = n.op == OpType::kSub;
  p.rounding = rounding_of(ctx);
  // Ratios XNNPACK refuses run in TFLite's own arithmetic, as in LiteRT.
  if (p.rounding == cpu::Int8Rounding::kFloat &&
      !integer_addition(scale_of(*va.quant, 0) / so, scale_of(*vb.quant, 0) / so, p.a_zero,
                        p.b_zero, p.subtract, &p.integer))
    p.rounding = cpu::Int8Rounding::kExact;
  p.is_unsigned = vy.dtype == DType::kU8;
  auto op = std::make_unique<Int8AddOp>(p);
  op->reads = {a, b};
  return op;
}

class Int8PreluOp final : public CpuOp {
 public:
  Int8PreluOp(const cpu::Int8PreluParams& p, std::vector<int32_t> alpha, float slope)
      : p_(p), alpha_(std::move(alpha)) {
    p_.alpha = alpha_.data();
    float largest = std::fabs(p_.identity_scale);
    for (int32_t a : alpha_) {
      alpha_scale_.push_back(static_cast<float>(a) * slope);
      largest = std::max(largest, std::fabs(alpha_scale_.back()));
    }
    p_.alpha_scale = alpha_scale_.data();
    const QuantizedRange r = dtype_range(p_.is_unsigned ? DType::kU8 : DType::kI8);
    p_.saturate = p_.lo == r.min && p_.hi == r.max && 255.0f * largest < 0x1.0p30f;
  }
  void run(std::span<const ConstTensorView> in, std::span<const TensorView> out,
           ThreadPool& pool) override {
    const int64_t rows = out[0].num_elements() / p_.c;
    pool.parallel_for(rows, std::max<int64_t>(1, (int64_t{1} << 14) / p_.c),
                      [&](int64_t r0, int64_t r1, int) {
                        cpu::int8_prelu_rows(p_, in[0].data, out[0].data, r0, r1);
                      });
  }

 private:
  cpu::Int8PreluParams p_;
  std::vector<int32_t> alpha_;
  std::vector<float> alpha_scale_;
};

// PRELU with a constant alpha per channel (the last dim; TFLite's shape
// [1, 1, c] or [c]) over one activation.
std::unique_ptr<CpuOp> make_prelu(const CpuOpContext& ctx, const Node& n) {
  const Graph& g = ctx.graph;
  if (n.inputs.size() != 2 || n.outputs.size() != 1) return nullptr;
  const ValueId x = n.inputs[0], a = n.inputs[1], y = n.outputs[0];
  if (!is_affine(g, x) || !is_affine(g, a) || !is_affine(g, y)) return nullptr;
  const Value &vx = g.value(x), &va = g.value(a), &vy = g.value(y);
  if (va.dtype != vx.dtype || vy.dtype != vx.dtype || vx.is_constant() || !va.data) return nullptr;
  const Shape& s = vx.shape;
  if (vy.shape != s || s.rank() < 1 || s.num_elements() <= 0) return nullptr;
  const int64_t c = s[s.rank() - 1];
  const Shape& as = va.shape;
  if (as.rank() < 1 || as.rank() > s.rank() || as[as.rank() - 1] != c || as.num_elements() != c)
    return nullptr;
  const int32_t za = zero_point_of(*va.quant, 0);
  std::vector<int32_t> alpha(static_cast<size_t>(c + cpu::kInt8PreluSlack));
  for (size_t i = 0; i < alpha.size(); ++i) {
    const uint8_t b = va.data[static_cast<int64_t>(i) % c];
    alpha[i] = (va.dtype == DType::kU8 ? int32_t{b} : int32_t{static_cast<int8_t>(b)}) - za;
  }
  // The reference's multipliers (kernels/reference/prelu.cpp: float products).
  const float sx = scale_of(*vx.quant, 0), sa = scale_of(*va.quant, 0), sy = scale_of(*vy.quant, 0);
  cpu::Int8PreluParams p;
  p.identity = quantize_multiplier(static_cast<double>(sx / sy));
  p.slope = quantize_multiplier(static_cast<double>(sx * sa / sy));
  p.x_zero = zero_point_of(*vx.quant, 0);
  p.out_zero = zero_point_of(*vy.quant, 0);
  const QuantizedRange r = dtype_range(vy.dtype);
  p.lo = r.min;
  p.hi = r.max;
  p.c = c;
  p.is_unsigned = vy.dtype == DType::kU8;
  p.identity_scale = sx / sy;
  p.rounding = rounding_of(ctx);
  auto op = std::make_unique<Int8PreluOp>(p, std::move(alpha), sx * sa / sy);
  op->reads = {x};
  op->copied_constants = {a};
  return op;
}

// QUANTIZE (float32 -> int8/uint8) or DEQUANTIZE (back), one table.
class ConvertOp final : public CpuOp {
 public:
  ConvertOp(bool quantize, float scale, int32_t zero, bool is_unsigned, cpu::Int8Rounding rounding)
      : quantize_(quantize),
        scale_(scale),
        zero_(zero),
        unsigned_(is_unsigned),
        rounding_(rounding) {}
  void run(std::span<const ConstTensorView> in, std::span<const TensorView> out,
           ThreadPool& pool) override {
    const void* x = in[0].data;
    void* y = out[0].data;
    pool.parallel_for(out[0].num_elements(), int64_t{1} << 14, [&](int64_t i0, int64_t i1, int) {
      if (quantize_)
        cpu::int8_quantize(static_cast<const float*>(x) + i0, static_cast<uint8_t*>(y) + i0,
                           i1 - i0, scale_, zero_, unsigned_, rounding_);
      else
        cpu::int8_dequantize(static_cast<const uint8_t*>(x) + i0, static_cast<float*>(y) + i0,
                             i1 - i0, scale_, zero_, unsigned_);
    });
  }

 private:
  bool quantize_;
  float scale_;
  int32_t zero_;
  bool unsigned_;
  cpu::Int8Rounding rounding_;
};

// QUANTIZE of a float32 activation to int8/uint8.
std::unique_ptr<CpuOp> make_quantize(const CpuOpContext& ctx, const Node& n) {
  const Graph& g = ctx.graph;
  if (n.inputs.size() != 1 || n.outputs.size() != 1 || !is_affine(g, n.outputs[0])) return nullptr;
  const Value &x = g.value(n.inputs[0]), &y = g.value(n.outputs[0]);
  if (x.dtype != DType::kF32 || x.is_constant() || !x.shape.is_static() ||
      x.shape.num_elements() != y.shape.num_elements())
    return nullptr;
  auto op = std::make_unique<ConvertOp>(true, scale_of(*y.quant, 0), zero_point_of(*y.quant, 0),
                                        y.dtype == DType::kU8, rounding_of(ctx));
  op->reads = {n.inputs[0]};
  return op;
}

// DEQUANTIZE of an int8/uint8 activation (per tensor) to float32: the
// seams of a mixed int8/float model (constants are folded at load).
std::unique_ptr<CpuOp> make_dequantize(const CpuOpContext& ctx, const Node& n) {
  const Graph& g = ctx.graph;
  if (n.inputs.size() != 1 || n.outputs.size() != 1 || !is_affine(g, n.inputs[0])) return nullptr;
  const Value &x = g.value(n.inputs[0]), &y = g.value(n.outputs[0]);
  if (y.dtype != DType::kF32 || x.is_constant() || x.quant->scales.size() != 1 ||
      x.shape.num_elements() != y.shape.num_elements())
    return nullptr;
  auto op = std::make_unique<ConvertOp>(false, scale_of(*x.quant, 0), zero_point_of(*x.quant, 0),
                                        x.dtype == DType::kU8, rounding_of(ctx));
  op->reads = {n.inputs[0]};
  return op;
}

constexpr CpuOpEntry kEntries[] = {
    {OpType::kConv2D, make_conv2d},
    {OpType::kDepthwiseConv2D, make_depthwise},
    {OpType::kFullyConnected, make_fully_connected},
    {OpType::kAdd, make_add},
    {OpType::kSub, make_add},
    {OpType::kPrelu, make_prelu},
    {OpType::kQuantize, make_quantize},
    {OpType::kDequantize, make_dequantize},
};

}  // namespace

std::span<const CpuOpEntry> cpu_int8_ops() {
  return kEntries;
}

}  // namespace odin
