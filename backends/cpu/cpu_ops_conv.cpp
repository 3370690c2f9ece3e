// CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED on the optimized kernels
// (weights repacked once; any padding, explicit ones from folded PADs too),
// and BATCH_MATMUL of run-time operands on the same GEMM.
#include <algorithm>
#include <cstring>
#include <vector>

#include "backends/cpu/cpu_op.h"
#include "backends/cpu/cpu_ops_llm.h"
#include "kernels/cpu/batch_matmul.h"
#include "kernels/cpu/conv2d.h"
#include "ops/batch_matmul_dims.h"
#include "ops/conv3d_geometry.h"
#include "ops/op_def.h"

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

// Input/output geometry shared by both convs.
struct Window {
  int64_t batch, in_h, in_w, in_c, out_h, out_w, out_c;
  int64_t pad_top, pad_left;
};

template <typename ConvAttrs>
bool window_of(const Graph& g, const Node& n, const ConvAttrs& a, const Shape& f, Window* w) {
  const Shape& in = g.value(n.inputs[0]).shape;
  const Shape& out = g.value(n.outputs[0]).shape;
  if (in.rank() != 4 || out.rank() != 4 || f.rank() != 4) return false;
  const SpatialPadding sh = conv_padding_h(a, in[1], f[1]);
  const SpatialPadding sw = conv_padding_w(a, in[2], f[2]);
  if (sh.out != out[1] || sw.out != out[2] || out[0] != in[0]) return false;
  *w = {in[0], in[1], in[2], in[3], out[1], out[2], out[3], sh.before, sw.before};
  return true;
}

// Inputs every kernel here needs: a float32 image, constant float32
// weights and optional bias, one float32 output.
bool conv_operands_fit(const Graph& g, const Node& n) {
  if (n.inputs.size() < 2 || n.outputs.size() != 1) return false;
  if (!is_f32(g, n.inputs[0]) || !is_const_f32(g, n.inputs[1]) || !is_f32(g, n.outputs[0]))
    return false;
  return n.inputs.size() < 3 || n.inputs[2] == kNoValue || is_const_f32(g, n.inputs[2]);
}

// A fused PRELU's slopes (OpDef::prelu_alpha_input): absent, or `count`
// constant floats the kernel copies. *alpha: the slopes or null.
bool prelu_alpha_fits(const Graph& g, const Node& n, int64_t count, const float** alpha) {
  const ValueId a = prelu_alpha_of(n);
  *alpha = nullptr;
  if (a == kNoValue) return true;
  if (!is_const_f32(g, a) || g.value(a).data == nullptr || g.value(a).shape.num_elements() != count)
    return false;
  *alpha = static_cast<const float*>(static_cast<const void*>(g.value(a).data));
  return true;
}

// The op reads its image; weights and bias are repacked into its own memory.
std::unique_ptr<CpuOp> bind(std::unique_ptr<CpuOp> op, const Node& n) {
  if (!op) return op;
  op->reads = {n.inputs[0]};
  op->writes = n.outputs;
  for (size_t i = 1; i < n.inputs.size() && i < 3; ++i)
    if (n.inputs[i] != kNoValue) op->copied_constants.push_back(n.inputs[i]);
  if (const ValueId alpha = prelu_alpha_of(n); alpha != kNoValue)
    op->copied_constants.push_back(alpha);
  return op;
}

class ConvOp final : public CpuOp {
 public:
  ConvOp(const cpu::ConvShape& s, const float* filter, const float* bias, cpu::Clamp clamp,
         int threads, cpu::WeightArena* arena, cpu::SharedScratch* scratch, const float* alpha)
      : conv_(s, filter, bias, clamp, threads, arena, scratch, alpha) {}
  void run(std::span<const ConstTensorView> in, std::span<const TensorView> out,
           ThreadPool& pool) override {
    // in[1]: the fused residual addend, when the node has one (make_conv2d).
    conv_.run(in[0].as<float>(), out[0].as<float>(), pool,
              in.size() > 1 ? in[1].as<float>() : nullptr);
  }
  size_t packed_bytes() const override { return conv_.packed_bytes(); }

 private:
  cpu::GemmConv conv_;
};

class DepthwiseOp final : public CpuOp {
 public:
  DepthwiseOp(const cpu::DepthwiseParams& p, const float* filter, const float* bias,
              const float* alpha, cpu::WeightArena* arena, cpu::SharedScratch* scratch)
      : p_(p), scratch_(scratch ? scratch : &own_scratch_) {
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
    if (alpha) {  // a fused PRELU's slopes, padded like the bias
      alpha_.resize(static_cast<size_t>(p_.c_pad), arena);
      std::memcpy(alpha_.data(), alpha, static_cast<size_t>(p.c) * sizeof(float));
      p_.alpha = alpha_.data();
    }
    // Small images with many channels, 5x5 at stride 1: repack the input
    // per run into contiguous zero-bordered channel blocks (in the
    // executable's shared scratch) and compute block by block. The NHWC
    // kernel is faster where the image is large, for 3x3 (hand landmark
    // 14x14x288: 28 -> 18 us) and at stride 2 (28x28x144 -> 14x14: 31 ->
    // 10 us), where the repack costs more than it saves.
    const bool five_by_five = p.k_h == 5 && p.k_w == 5 && p.stride_h == 1 && p.stride_w == 1;
    const int64_t hp = std::max(p.in_h + p.pad_top, (p.out_h - 1) * p.stride_h + p.k_h);
    const int64_t wp = std::max(p.in_w + p.pad_left, (p.out_w - 1) * p.stride_w + p.k_w);
    // Up to 32x32 padded pixels: a block's image (64 KiB at most with
    // 16 lanes) stays in L1/L2 while all its outputs are computed.
    if (five_by_five && hp * wp <= 1024 && p.c >= 2 * lanes) {
      lanes_ = lanes;
      blocks_ = p.batch * ((p.c + lanes - 1) / lanes);
      padded_h_ = hp;
      padded_w_ = wp;
      scratch_->reserve(static_cast<size_t>(blocks_ * padded_h_ * padded_w_ * lanes));
    }
  }
  // Depth multiplier m > 1: each input channel repeated m times per run, so
  // output channel oc reads expanded channel oc (TFLite's oc / m).
  void set_multiplier(int64_t m) {
    multiplier_ = m;
    expanded_.resize(static_cast<size_t>(p_.batch * p_.in_h * p_.in_w * p_.c));
  }
  void run(std::span<const ConstTensorView> in, std::span<const TensorView> out,
           ThreadPool& pool) override {
    cpu::DepthwiseParams p = p_;
    p.in = in[0].as<float>();
    p.out = out[0].as<float>();
    if (multiplier_ > 1) {
      const int64_t pixels = p.batch * p.in_h * p.in_w, ic = p.c / multiplier_;
      for (int64_t px = 0; px < pixels; ++px)
        for (int64_t c = 0; c < ic; ++c)
          std::fill_n(expanded_.data() + px * p.c + c * multiplier_, multiplier_,
                      p.in[px * ic + c]);
      p.in = expanded_.data();
    }
    if (blocks_) {
      const int64_t per_batch = blocks_ / p.batch;
      float* blocked = scratch_->get();
      const double per_block =
          static_cast<double>(p.out_h * p.out_w * lanes_ * p.k_h * p.k_w) * cpu::kDepthwiseNsPerMac;
      pool.parallel_for(blocks_, pool.grain_for(per_block), [&](int64_t b0, int64_t b1, int) {
        for (int64_t blk = b0; blk < b1; ++blk)
          repack(p.in, blocked, blk, blk / per_batch, blk % per_batch);
        cpu::depthwise_blocked(p, blocked, padded_h_, padded_w_, b0, b1);
      });
      return;
    }
    const int64_t rows = p.batch * p.out_h;
    const double per_row =
        static_cast<double>(p.out_w * p.c * p.k_h * p.k_w) * cpu::kDepthwiseNsPerMac;
    pool.parallel_for(rows, pool.grain_for(per_row),
                      [&](int64_t r0, int64_t r1, int) { cpu::depthwise_rows(p, r0, r1); });
  }
  size_t packed_bytes() const override { return weights_.bytes() + bias_.bytes() + alpha_.bytes(); }

 private:
  cpu::DepthwiseParams p_;
  cpu::AlignedFloats weights_, bias_, alpha_;
  // Writes channel block cb of image `batch` into its slot of `blocked`
  // ([batch * blocks][padded_h][padded_w][lanes]), zeros around the image
  // and in lanes past the last channel (the scratch holds other ops' data).
  void repack(const float* in, float* blocked, int64_t blk, int64_t batch, int64_t cb) const {
    const int64_t n = std::min(lanes_, p_.c - cb * lanes_);
    const auto bytes = [](int64_t floats) { return static_cast<size_t>(floats) * sizeof(float); };
    float* dst = blocked + blk * padded_h_ * padded_w_ * lanes_;
    const float* src = in + batch * p_.in_h * p_.in_w * p_.c + cb * lanes_;
    for (int64_t y = 0; y < padded_h_; ++y) {
      float* row = dst + y * padded_w_ * lanes_;
      const int64_t iy = y - p_.pad_top;
      if (iy < 0 || iy >= p_.in_h) {
        std::memset(row, 0, bytes(padded_w_ * lanes_));
        continue;
      }
      std::memset(row, 0, bytes(p_.pad_left * lanes_));
      for (int64_t x = 0; x < p_.in_w; ++x) {
        float* px = row + (x + p_.pad_left) * lanes_;
        std::memcpy(px, src + (iy * p_.in_w + x) * p_.c, bytes(n));
        if (n < lanes_) std::memset(px + n, 0, bytes(lanes_ - n));
      }
      const int64_t right = padded_w_ - p_.pad_left - p_.in_w;
      if (right > 0) std::memset(row + (p_.pad_left + p_.in_w) * lanes_, 0, bytes(right * lanes_));
    }
  }

  cpu::SharedScratch own_scratch_;
  cpu::SharedScratch* scratch_;
  int64_t multiplier_ = 1;
  std::vector<float> expanded_;
  int64_t blocks_ = 0, lanes_ = 0, padded_h_ = 0, padded_w_ = 0;
};

class FullyConnectedOp final : public CpuOp {
 public:
  FullyConnectedOp(int64_t batch, int64_t units, int64_t depth, const float* w, const float* b,
                   cpu::Clamp clamp, cpu::WeightArena* arena)
      : depth_(depth), fc_(batch, units, depth, w, b, clamp, arena) {}
  void run(std::span<const ConstTensorView> in, std::span<const TensorView> out,
           ThreadPool& pool) override {
    // Rows of this run: the token dim of an LLM varies (variable_dims).
    fc_.run(in[0].as<float>(), in[0].num_elements() / depth_, out[0].as<float>(), pool);
  }
  size_t packed_bytes() const override { return fc_.packed_bytes(); }

 private:
  int64_t depth_;
  cpu::GemmFullyConnected fc_;
};

std::unique_ptr<CpuOp> make_conv2d(const CpuOpContext& ctx, const Node& n) {
  const Graph& g = ctx.graph;
  const auto* a = std::get_if<Conv2DAttrs>(&n.attrs);
  cpu::Clamp clamp;
  if (!a || !cpu::clamp_of(a->activation, &clamp) || !conv_operands_fit(g, n)) return nullptr;
  const Shape& f = g.value(n.inputs[1]).shape;
  Window w;
  if (!window_of(g, n, *a, f, &w)) return nullptr;
  if (f[3] != w.in_c || f[0] != w.out_c) return nullptr;  // grouped convs: reference
  const float* alpha;
  if (!bias_fits(g, n, w.out_c) || !prelu_alpha_fits(g, n, w.out_c, &alpha)) return nullptr;
  const cpu::ConvShape s = cpu::conv_shape(g.value(n.inputs[0]).shape, g.value(n.outputs[0]).shape,
                                           f, *a, w.pad_top, w.pad_left);
  auto op = bind(std::make_unique<ConvOp>(s, const_data(g, n, 1), const_data(g, n, 2), clamp,
                                          ctx.num_threads, ctx.arena, ctx.scratch, alpha),
                 n);
  if (const ValueId addend = addend_of(n); addend != kNoValue) {
    if (!is_f32(g, addend)) return nullptr;
    op->reads.push_back(addend);
  }
  return op;
}

std::unique_ptr<CpuOp> make_depthwise(const CpuOpContext& ctx, const Node& n) {
  const Graph& g = ctx.graph;
  const auto* a = std::get_if<DepthwiseConv2DAttrs>(&n.attrs);
  cpu::Clamp clamp;
  if (!a || !cpu::clamp_of(a->activation, &clamp) || !conv_operands_fit(g, n)) return nullptr;
  if (a->dilation_h != 1 || a->dilation_w != 1) return nullptr;
  const Shape& f = g.value(n.inputs[1]).shape;
  if (f.rank() != 4 || f[0] != 1) return nullptr;
  Window w;
  if (!window_of(g, n, *a, f, &w)) return nullptr;
  if (w.in_c < 1 || w.out_c % w.in_c != 0 || f[3] != w.out_c) return nullptr;
  const float* alpha;
  if (!bias_fits(g, n, w.out_c) || !prelu_alpha_fits(g, n, w.out_c, &alpha)) return nullptr;
  cpu::DepthwiseParams p;
  static_cast<cpu::WindowGeometry&>(p) =
      cpu::window_geometry(g.value(n.inputs[0]).shape, g.value(n.outputs[0]).shape, f[1], f[2],
                           a->stride_h, a->stride_w, w.pad_top, w.pad_left);
  p.c = w.out_c;  // the kernel sees the input with each channel repeated out_c / in_c times
  p.clamp = clamp;
  auto op = std::make_unique<DepthwiseOp>(p, const_data(g, n, 1), const_data(g, n, 2), alpha,
                                          ctx.arena, ctx.scratch);
  op->set_multiplier(w.out_c / w.in_c);
  return bind(std::move(op), n);
}

std::unique_ptr<CpuOp> make_fully_connected(const CpuOpContext& ctx, const Node& n) {
  const Graph& g = ctx.graph;
  if (n.inputs.size() >= 2 && g.value(n.inputs[1]).dtype != DType::kF32)
    return make_stored_weight_fully_connected(ctx, n);
  const auto* a = std::get_if<FullyConnectedAttrs>(&n.attrs);
  cpu::Clamp clamp;
  if (!a || !cpu::clamp_of(a->activation, &clamp) || !conv_operands_fit(g, n)) return nullptr;
  const Shape& ws = g.value(n.inputs[1]).shape;
  if (ws.rank() != 2) return nullptr;
  const int64_t units = ws[0], depth = ws[1];
  const int64_t numel = g.value(n.inputs[0]).shape.num_elements();
  if (depth < 1 || numel < 0 || numel % depth != 0) return nullptr;
  if (g.value(n.outputs[0]).shape.num_elements() != numel / depth * units) return nullptr;
  if (!bias_fits(g, n, units)) return nullptr;
  return bind(std::make_unique<FullyConnectedOp>(numel / depth, units, depth, const_data(g, n, 1),
                                                 const_data(g, n, 2), clamp, ctx.arena),
              n);
}

// CONV_3D as one CONV_2D on the GEMM: each output frame's k_d input
// frames are stacked along channels ([h, w, k_d * in_c], zeros for frames
// past the edges), and the DHWIO filter becomes the OHWI filter
// [out_c, kh, kw, k_d * in_c] over them.
class Conv3DOp final : public CpuOp {
 public:
  Conv3DOp(const Conv3DGeometry& g, const std::vector<float>& filter_ohwi, const float* bias,
           cpu::Clamp clamp, int threads, cpu::WeightArena* arena, cpu::SharedScratch* scratch)
      : g_(g),
        frames_(static_cast<size_t>(g.batch * g.out_d * g.in_h * g.in_w * g.k_d * g.in_c)),
        conv_(stacked_shape(g), filter_ohwi.data(), bias, clamp, threads, arena, scratch) {}

  static cpu::ConvShape stacked_shape(const Conv3DGeometry& g) {
    return {g.batch * g.out_d, g.in_h,       g.in_w,       g.k_d * g.in_c, g.out_h,
            g.out_w,           g.out_c,      g.k_h,        g.k_w,          g.stride_h,
            g.stride_w,        g.dilation_h, g.dilation_w, g.pad_h,        g.pad_w};
  }

  void run(std::span<const ConstTensorView> in, std::span<const TensorView> out,
           ThreadPool& pool) override {
    const float* x = in[0].as<float>();
    const int64_t rows = g_.batch * g_.out_d * g_.in_h, pixels = g_.in_w, c = g_.in_c;
    const size_t frame_bytes = static_cast<size_t>(c) * sizeof(float);
    pool.parallel_for(rows, pool.grain_for(static_cast<double>(pixels * g_.k_d * c) * 0.1),
                      [&](int64_t r0, int64_t r1, int) {
                        for (int64_t r = r0; r < r1; ++r) {
                          const int64_t y = r % g_.in_h, frame = r / g_.in_h;
                          const int64_t n = frame / g_.out_d, od = frame % g_.out_d;
                          float* dst = frames_.data() + r * pixels * g_.k_d * c;
                          for (int64_t px = 0; px < pixels; ++px)
                            for (int64_t kd = 0; kd < g_.k_d; ++kd, dst += c) {
                              const int64_t id = od * g_.stride_d - g_.pad_d + kd * g_.dilation_d;
                              if (id < 0 || id >= g_.in_d)
                                std::memset(dst, 0, frame_bytes);
                              else
                                std::memcpy(
                                    dst, x + (((n * g_.in_d + id) * g_.in_h + y) * pixels + px) * c,
                                    frame_bytes);
                            }
                        }
                      });
    conv_.run(frames_.data(), out[0].as<float>(), pool);
  }
  size_t packed_bytes() const override { return conv_.packed_bytes(); }

 private:
  Conv3DGeometry g_;
  std::vector<float> frames_;
  cpu::GemmConv conv_;
};

std::unique_ptr<CpuOp> make_conv3d(const CpuOpContext& ctx, const Node& n) {
  const Graph& g = ctx.graph;
  const auto* a = std::get_if<Conv3DAttrs>(&n.attrs);
  cpu::Clamp clamp;
  if (!a || !cpu::clamp_of(a->activation, &clamp) || !conv_operands_fit(g, n)) return nullptr;
  const Shape& in = g.value(n.inputs[0]).shape;
  const Shape& f = g.value(n.inputs[1]).shape;
  const Shape& out = g.value(n.outputs[0]).shape;
  if (in.rank() != 5 || f.rank() != 5 || out.rank() != 5 || a->padding == Padding::kExplicit)
    return nullptr;
  const Conv3DGeometry geo = conv3d_geometry(*a, in, f);
  if (f[3] != geo.in_c || out != Shape({geo.batch, geo.out_d, geo.out_h, geo.out_w, geo.out_c}) ||
      !bias_fits(g, n, geo.out_c))
    return nullptr;
  // DHWIO [kd][kh][kw][ic][oc] -> OHWI [oc][kh][kw][kd * in_c + ic].
  const float* w = const_data(g, n, 1);
  const int64_t depth = geo.k_d * geo.in_c;
  std::vector<float> ohwi(static_cast<size_t>(geo.out_c * geo.k_h * geo.k_w * depth));
  for (int64_t kd = 0; kd < geo.k_d; ++kd)
    for (int64_t ky = 0; ky < geo.k_h; ++ky)
      for (int64_t kx = 0; kx < geo.k_w; ++kx)
        for (int64_t ic = 0; ic < geo.in_c; ++ic)
          for (int64_t oc = 0; oc < geo.out_c; ++oc)
            ohwi[static_cast<size_t>(((oc * geo.k_h + ky) * geo.k_w + kx) * depth + kd * geo.in_c +
                                     ic)] =
                w[(((kd * geo.k_h + ky) * geo.k_w + kx) * geo.in_c + ic) * geo.out_c + oc];
  return bind(std::make_unique<Conv3DOp>(geo, ohwi, const_data(g, n, 2), clamp, ctx.num_threads,
                                         ctx.arena, ctx.scratch),
              n);
}

class BatchMatMulOp final : public CpuOp {
 public:
  explicit BatchMatMulOp(const cpu::BatchMatMulShape& s) : s_(s) {}
  void run(std::span<const ConstTensorView> in, std::span<const TensorView> out,
           ThreadPool& pool) override {
    cpu::batch_matmul(s_, x_.get(in), y_.get(in), out[0].as<float>(), pool);
  }

  CpuOperand x_, y_;

 private:
  cpu::BatchMatMulShape s_;
};

// Operands computed at run time or constant (a layer's weights, e.g.
// per-head projections); batch dims that flatten (ops/batch_matmul_dims.h).
std::unique_ptr<CpuOp> make_batch_matmul(const CpuOpContext& ctx, const Node& n) {
  const Graph& g = ctx.graph;
  const auto f = flat_batch_matmul(g, n);
  if (!f || !is_f32(g, n.inputs[0]) || !is_f32(g, n.inputs[1]) || !is_f32(g, n.outputs[0]))
    return nullptr;
  const auto& a = std::get<BatchMatMulAttrs>(n.attrs);
  auto op = std::make_unique<BatchMatMulOp>(cpu::BatchMatMulShape{
      f->batches, f->m, f->n, f->k, f->x_batch_stride, f->y_batch_stride, a.adj_x, a.adj_y});
  op->x_ = bind_operand(g, n.inputs[0], op->reads);
  op->y_ = bind_operand(g, n.inputs[1], op->reads);
  op->writes = n.outputs;
  return op;
}

constexpr CpuOpEntry kEntries[] = {
    {OpType::kConv2D, make_conv2d},
    {OpType::kDepthwiseConv2D, make_depthwise},
    {OpType::kConv3D, make_conv3d},
    {OpType::kFullyConnected, make_fully_connected, true},
    {OpType::kBatchMatMul, make_batch_matmul},
};

}  // namespace

std::span<const CpuOpEntry> cpu_conv_ops() {
  return kEntries;
}

}  // namespace odin
