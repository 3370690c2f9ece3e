// CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED on the optimized kernels,
// with a preceding zero PAD optionally folded into the conv's padding.
#include <algorithm>
#include <cstring>

#include "backends/cpu/cpu_op.h"
#include "kernels/cpu/conv2d.h"

namespace odin {
namespace {

bool is_f32(const Graph& g, ValueId v) {
  return v != kNoValue && g.value(v).dtype == DType::kF32 && g.value(v).shape.is_static();
}

bool is_const_f32(const Graph& g, ValueId v) {
  return is_f32(g, v) && g.value(v).is_constant();
}

const float* const_data(const Graph& g, const Node& n, size_t i) {
  return i < n.inputs.size() && n.inputs[i] != kNoValue
             ? static_cast<const float*>(static_cast<const void*>(g.value(n.inputs[i]).data))
             : nullptr;
}

// The optional bias must hold one value per output channel.
bool bias_fits(const Graph& g, const Node& n, int64_t count) {
  return n.inputs.size() < 3 || n.inputs[2] == kNoValue ||
         g.value(n.inputs[2]).shape.num_elements() == count;
}

// Input/output geometry shared by both convs; `pad` widens the input.
struct Window {
  int64_t batch, in_h, in_w, in_c, out_h, out_w, out_c;
  int64_t pad_top, pad_left;
};

bool window_of(const Graph& g, const Node& n, const FoldedPad* pad, Padding padding, int64_t k_h,
               int64_t k_w, int64_t s_h, int64_t s_w, int64_t d_h, int64_t d_w, Window* w) {
  const Shape& in = g.value(pad ? pad->source : n.inputs[0]).shape;
  const Shape& out = g.value(n.outputs[0]).shape;
  if (in.rank() != 4 || out.rank() != 4) return false;
  const int64_t top = pad ? pad->top : 0, left = pad ? pad->left : 0;
  const int64_t ph = in[1] + top + (pad ? pad->bottom : 0);
  const int64_t pw = in[2] + left + (pad ? pad->right : 0);
  const SpatialPadding sh = compute_spatial_padding(padding, ph, k_h, s_h, d_h);
  const SpatialPadding sw = compute_spatial_padding(padding, pw, k_w, s_w, d_w);
  if (sh.out != out[1] || sw.out != out[2] || out[0] != in[0]) return false;
  *w = {in[0], in[1], in[2], in[3], out[1], out[2], out[3], sh.before + top, sw.before + left};
  return true;
}

class ConvOp final : public CpuOp {
 public:
  ConvOp(const cpu::ConvShape& s, const float* filter, const float* bias, cpu::Clamp clamp,
         int threads, cpu::WeightArena* arena)
      : conv_(s, filter, bias, clamp, threads, arena) {}
  void run(std::span<const void* const> in, std::span<void* const> out, ThreadPool& pool) override {
    conv_.run(static_cast<const float*>(in[0]), static_cast<float*>(out[0]), pool);
  }
  size_t packed_bytes() const override { return conv_.packed_bytes(); }

 private:
  cpu::GemmConv conv_;
};

class DepthwiseOp final : public CpuOp {
 public:
  DepthwiseOp(const cpu::DepthwiseParams& p, const float* filter, const float* bias,
              cpu::WeightArena* arena)
      : p_(p) {
    const auto lanes = static_cast<int64_t>(cpu::float_lanes());
    p_.c_pad = (p.c + lanes - 1) / lanes * lanes;
    const int64_t taps = p.k_h * p.k_w;
    weights_.resize(static_cast<size_t>(taps * p_.c_pad), arena);
    bias_.resize(static_cast<size_t>(p_.c_pad), arena);
    for (int64_t t = 0; t < taps; ++t)  // filter [1, kh, kw, c]
      std::memcpy(weights_.data() + t * p_.c_pad, filter + t * p.c,
                  static_cast<size_t>(p.c) * sizeof(float));
    if (bias) std::memcpy(bias_.data(), bias, static_cast<size_t>(p.c) * sizeof(float));
    p_.weights = weights_.data();
    p_.bias = bias_.data();
    // Small images with many channels: repack the input per run into
    // contiguous zero-bordered channel blocks (the border is written once
    // here) and compute block by block; the NHWC kernel is faster where
    // the image is large (measured on the hand and palm models).
    const bool fixed = p.k_h == p.k_w && p.stride_h == p.stride_w && (p.k_h == 3 || p.k_h == 5) &&
                       (p.stride_h == 1 || p.stride_h == 2);
    const int64_t hp = std::max(p.in_h + p.pad_top, (p.out_h - 1) * p.stride_h + p.k_h);
    const int64_t wp = std::max(p.in_w + p.pad_left, (p.out_w - 1) * p.stride_w + p.k_w);
    // Up to 32x32 padded pixels: a block's image (64 KiB at most with
    // 16 lanes) stays in L1/L2 while all its outputs are computed.
    if (fixed && hp * wp <= 1024 && p.c >= 2 * lanes) {
      lanes_ = lanes;
      blocks_ = p.batch * ((p.c + lanes - 1) / lanes);
      padded_h_ = hp;
      padded_w_ = wp;
      blocked_.resize(static_cast<size_t>(blocks_ * padded_h_ * padded_w_ * lanes));
    }
  }
  void run(std::span<const void* const> in, std::span<void* const> out, ThreadPool& pool) override {
    cpu::DepthwiseParams p = p_;
    p.in = static_cast<const float*>(in[0]);
    p.out = static_cast<float*>(out[0]);
    if (blocks_) {
      const int64_t per_batch = blocks_ / p.batch;
      pool.parallel_for(blocks_, 1, [&](int64_t b0, int64_t b1, int) {
        for (int64_t blk = b0; blk < b1; ++blk) repack(p.in, blk, blk / per_batch, blk % per_batch);
        cpu::depthwise_blocked(p, blocked_.data(), padded_h_, padded_w_, b0, b1);
      });
      return;
    }
    const int64_t rows = p.batch * p.out_h;
    const int64_t per_row = std::max<int64_t>(1, p.out_w * p.c * p.k_h * p.k_w);
    pool.parallel_for(rows, std::max<int64_t>(1, (int64_t{1} << 15) / per_row),
                      [&](int64_t r0, int64_t r1, int) { cpu::depthwise_rows(p, r0, r1); });
  }
  size_t packed_bytes() const override { return weights_.bytes() + bias_.bytes(); }

 private:
  cpu::DepthwiseParams p_;
  cpu::AlignedFloats weights_, bias_;
  // Copies channel block cb of image `batch` into its zero-bordered slot.
  void repack(const float* in, int64_t blk, int64_t batch, int64_t cb) {
    const int64_t n = std::min(lanes_, p_.c - cb * lanes_);
    float* dst = blocked_.data() + blk * padded_h_ * padded_w_ * lanes_;
    const float* src = in + batch * p_.in_h * p_.in_w * p_.c + cb * lanes_;
    for (int64_t y = 0; y < p_.in_h; ++y) {
      float* row = dst + ((y + p_.pad_top) * padded_w_ + p_.pad_left) * lanes_;
      for (int64_t x = 0; x < p_.in_w; ++x)
        std::memcpy(row + x * lanes_, src + (y * p_.in_w + x) * p_.c,
                    static_cast<size_t>(n) * sizeof(float));
    }
  }

  cpu::AlignedFloats blocked_;  // [batch * blocks][padded_h][padded_w][lanes]
  int64_t blocks_ = 0, lanes_ = 0, padded_h_ = 0, padded_w_ = 0;
};

class FullyConnectedOp final : public CpuOp {
 public:
  FullyConnectedOp(int64_t batch, int64_t units, int64_t depth, const float* w, const float* b,
                   cpu::Clamp clamp, cpu::WeightArena* arena)
      : fc_(batch, units, depth, w, b, clamp, arena) {}
  void run(std::span<const void* const> in, std::span<void* const> out, ThreadPool& pool) override {
    fc_.run(static_cast<const float*>(in[0]), static_cast<float*>(out[0]), pool);
  }
  size_t packed_bytes() const override { return fc_.packed_bytes(); }

 private:
  cpu::GemmFullyConnected fc_;
};

std::unique_ptr<CpuOp> make_conv2d(const CpuOpContext& ctx, const Node& n, const FoldedPad* pad) {
  const Graph& g = ctx.graph;
  const auto* a = std::get_if<Conv2DAttrs>(&n.attrs);
  cpu::Clamp clamp;
  if (!a || !cpu::clamp_of(a->activation, &clamp)) return nullptr;
  const Shape& f = g.value(n.inputs[1]).shape;
  if (f.rank() != 4) return nullptr;
  Window w;
  if (!window_of(g, n, pad, a->padding, f[1], f[2], a->stride_h, a->stride_w, a->dilation_h,
                 a->dilation_w, &w))
    return nullptr;
  if (f[3] != w.in_c || f[0] != w.out_c) return nullptr;  // grouped convs: reference
  if (!bias_fits(g, n, w.out_c)) return nullptr;
  cpu::ConvShape s;
  s.batch = w.batch;
  s.in_h = w.in_h;
  s.in_w = w.in_w;
  s.in_c = w.in_c;
  s.out_h = w.out_h;
  s.out_w = w.out_w;
  s.out_c = w.out_c;
  s.k_h = f[1];
  s.k_w = f[2];
  s.stride_h = a->stride_h;
  s.stride_w = a->stride_w;
  s.dilation_h = a->dilation_h;
  s.dilation_w = a->dilation_w;
  s.pad_top = w.pad_top;
  s.pad_left = w.pad_left;
  return std::make_unique<ConvOp>(s, const_data(g, n, 1), const_data(g, n, 2), clamp,
                                  ctx.num_threads, ctx.arena);
}

std::unique_ptr<CpuOp> make_depthwise(const CpuOpContext& ctx, const Node& n,
                                      const FoldedPad* pad) {
  const Graph& g = ctx.graph;
  const auto* a = std::get_if<DepthwiseConv2DAttrs>(&n.attrs);
  cpu::Clamp clamp;
  if (!a || !cpu::clamp_of(a->activation, &clamp)) return nullptr;
  if (a->dilation_h != 1 || a->dilation_w != 1) return nullptr;
  const Shape& f = g.value(n.inputs[1]).shape;
  if (f.rank() != 4 || f[0] != 1) return nullptr;
  Window w;
  if (!window_of(g, n, pad, a->padding, f[1], f[2], a->stride_h, a->stride_w, 1, 1, &w))
    return nullptr;
  if (w.out_c != w.in_c || f[3] != w.in_c) return nullptr;  // multiplier > 1: reference
  if (!bias_fits(g, n, w.out_c)) return nullptr;
  cpu::DepthwiseParams p;
  p.batch = w.batch;
  p.in_h = w.in_h;
  p.in_w = w.in_w;
  p.c = w.in_c;
  p.out_h = w.out_h;
  p.out_w = w.out_w;
  p.k_h = f[1];
  p.k_w = f[2];
  p.stride_h = a->stride_h;
  p.stride_w = a->stride_w;
  p.pad_top = w.pad_top;
  p.pad_left = w.pad_left;
  p.clamp = clamp;
  return std::make_unique<DepthwiseOp>(p, const_data(g, n, 1), const_data(g, n, 2), ctx.arena);
}

std::unique_ptr<CpuOp> make_fully_connected(const CpuOpContext& ctx, const Node& n) {
  const Graph& g = ctx.graph;
  const auto* a = std::get_if<FullyConnectedAttrs>(&n.attrs);
  cpu::Clamp clamp;
  if (!a || !cpu::clamp_of(a->activation, &clamp)) return nullptr;
  const Shape& ws = g.value(n.inputs[1]).shape;
  if (ws.rank() != 2) return nullptr;
  const int64_t units = ws[0], depth = ws[1];
  const int64_t numel = g.value(n.inputs[0]).shape.num_elements();
  if (depth < 1 || numel < 0 || numel % depth != 0) return nullptr;
  if (g.value(n.outputs[0]).shape.num_elements() != numel / depth * units) return nullptr;
  if (!bias_fits(g, n, units)) return nullptr;
  return std::make_unique<FullyConnectedOp>(numel / depth, units, depth, const_data(g, n, 1),
                                            const_data(g, n, 2), clamp, ctx.arena);
}

}  // namespace

bool spatial_pad_of(const Graph& g, const Node& n, FoldedPad* pad) {
  if (n.op != OpType::kPad || n.inputs.size() != 2 || n.outputs.size() != 1) return false;
  if (!is_f32(g, n.inputs[0]) || g.value(n.inputs[0]).is_constant()) return false;
  const Value& p = g.value(n.inputs[1]);
  if (!p.is_constant() || p.shape != Shape{4, 2}) return false;
  int64_t v[8];
  for (int i = 0; i < 8; ++i) {
    if (p.dtype == DType::kI32) {
      int32_t x;
      std::memcpy(&x, p.data + 4 * i, 4);
      v[i] = x;
    } else if (p.dtype == DType::kI64) {
      std::memcpy(&v[i], p.data + 8 * i, 8);
    } else {
      return false;
    }
  }
  if (v[0] || v[1] || v[6] || v[7]) return false;  // batch and channels untouched
  for (int i = 2; i < 6; ++i)
    if (v[i] < 0 || v[i] > (int64_t{1} << 20)) return false;
  *pad = {n.inputs[0], v[2], v[3], v[4], v[5]};
  return true;
}

std::unique_ptr<CpuOp> make_conv_op(const CpuOpContext& ctx, const Node& n, const FoldedPad* pad) {
  const Graph& g = ctx.graph;
  if (n.inputs.size() < 2 || n.outputs.size() != 1) return nullptr;
  if (!is_f32(g, n.inputs[0]) || !is_const_f32(g, n.inputs[1]) || !is_f32(g, n.outputs[0]))
    return nullptr;
  if (n.inputs.size() > 2 && n.inputs[2] != kNoValue && !is_const_f32(g, n.inputs[2]))
    return nullptr;
  std::unique_ptr<CpuOp> op;
  switch (n.op) {
    case OpType::kConv2D:
      op = make_conv2d(ctx, n, pad);
      break;
    case OpType::kDepthwiseConv2D:
      op = make_depthwise(ctx, n, pad);
      break;
    case OpType::kFullyConnected:
      if (!pad) op = make_fully_connected(ctx, n);
      break;
    default:
      break;
  }
  if (op) {
    op->reads = {pad ? pad->source : n.inputs[0]};
    op->writes = n.outputs;
  }
  return op;
}

}  // namespace odin
