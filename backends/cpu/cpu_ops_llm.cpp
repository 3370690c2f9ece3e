// The LLM ops on optimized CPU kernels, threaded: EMBEDDING, RMS_NORM, ROPE,
// SWIGLU, ATTENTION, and FULLY_CONNECTED with stored weights (F16, BF16,
// block formats: kernels/cpu/quant_matmul.h). Every kernel here reads its
// row count from the run's views, so it takes nodes whose token dim is set
// per run (variable_dims).
#include "backends/cpu/cpu_ops_llm.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <string_view>

#include "backends/cpu/cpu_op.h"
#include "backends/cpu/cpu_shared_weights.h"
#include "kernels/cpu/aligned_buffer.h"
#include "kernels/cpu/llm_kernels.h"
#include "kernels/cpu/quant_matmul.h"
#include "quant/fp16.h"
#include "quant/weight_rows.h"

namespace odin {
namespace {

bool is_f32(const Graph& g, ValueId v) {
  return v != kNoValue && g.value(v).dtype == DType::kF32;
}

// The last dim of v (its row length).
int64_t row_length(const Graph& g, ValueId v) {
  const Shape& s = g.value(v).shape;
  return s.rank() ? s[s.rank() - 1] : 0;
}

int64_t rows_of(const ConstTensorView& v, int64_t width) {
  return width > 0 ? v.num_elements() / width : 0;
}

class StoredWeightFcOp final : public CpuOp {
 public:
  StoredWeightFcOp(cpu::QuantMatmul w, int64_t max_rows, const CpuOpContext& ctx)
      : w_(w), scratch_(ctx.scratch ? ctx.scratch : &own_scratch_) {
    if (ctx.repack_weights && cpu::quant_matmul_prepack_pays(w.format)) packed_ = pack(ctx);
    const size_t bytes = packed_
                             ? cpu::quant_matmul_scratch_bytes(*packed_, max_rows, ctx.num_threads)
                             : cpu::quant_matmul_scratch_bytes(w_, max_rows, ctx.num_threads);
    scratch_->reserve((bytes + sizeof(float) - 1) / sizeof(float));
  }
  bool packed() const { return packed_ != nullptr; }
  void run(std::span<const ConstTensorView> in, std::span<const TensorView> out,
           ThreadPool& pool) override {
    const int64_t m = rows_of(in[0], w_.k);
    // Arguments were checked at compile time; a failure here is a bug.
    if (packed_)
      (void)cpu::quant_matmul(*packed_, in[0].as<float>(), m, out[0].as<float>(), scratch_->get(),
                              pool);
    else
      (void)cpu::quant_matmul(w_, in[0].as<float>(), m, out[0].as<float>(), scratch_->get(), pool);
  }

 private:
  // Packed once for every session sharing weights, else into this
  // executable's arena; null when packing fails (the rows are read as they lie).
  const cpu::PackedQuantMatmul* pack(const CpuOpContext& ctx) {
    if (ctx.shared) return ctx.shared->packed(w_, ctx.pool);
    return cpu::prepack_quant_matmul(w_, &own_packed_, ctx.arena, ctx.pool).ok() ? &own_packed_
                                                                                 : nullptr;
  }

  cpu::QuantMatmul w_;
  cpu::PackedQuantMatmul own_packed_;
  const cpu::PackedQuantMatmul* packed_ = nullptr;
  cpu::SharedScratch own_scratch_;
  cpu::SharedScratch* scratch_;
};

class EmbeddingOp final : public CpuOp {
 public:
  EmbeddingOp(DType dtype, const uint8_t* table, int64_t vocab, int64_t d)
      : dtype_(dtype), table_(table), vocab_(vocab), d_(d) {}
  void run(std::span<const ConstTensorView> in, std::span<const TensorView> out,
           ThreadPool& pool) override {
    const int32_t* ids = in[0].as<int32_t>();
    float* y = out[0].as<float>();
    pool.parallel_for(in[0].num_elements(), 4, [&](int64_t r0, int64_t r1, int) {
      for (int64_t r = r0; r < r1; ++r) {
        // Ids were range-checked by the caller (LlmContext); an id outside
        // the table gives zeros rather than reading past it.
        std::span<float> row(y + r * d_, static_cast<size_t>(d_));
        if (ids[r] < 0 || ids[r] >= vocab_ || !decode_weight_row(dtype_, table_, ids[r], row))
          std::fill(row.begin(), row.end(), 0.0f);
      }
    });
  }

 private:
  DType dtype_;
  const uint8_t* table_;
  int64_t vocab_, d_;
};

class RmsNormOp final : public CpuOp {
 public:
  RmsNormOp(const float* w, int64_t d, float eps) : w_(w), d_(d), eps_(eps) {}
  void run(std::span<const ConstTensorView> in, std::span<const TensorView> out,
           ThreadPool& pool) override {
    const float* x = in[0].as<float>();
    float* y = out[0].as<float>();
    pool.parallel_for(rows_of(in[0], d_), std::max<int64_t>(1, 4096 / d_),
                      [&](int64_t r0, int64_t r1, int) {
                        for (int64_t r = r0; r < r1; ++r)
                          cpu::rms_norm_row(x + r * d_, w_, y + r * d_, d_, eps_);
                      });
  }

 private:
  const float* w_;
  int64_t d_;
  float eps_;
};

class SwigluOp final : public CpuOp {
 public:
  void run(std::span<const ConstTensorView> in, std::span<const TensorView> out,
           ThreadPool& pool) override {
    const float* g = in[0].as<float>();
    const float* u = in[1].as<float>();
    float* y = out[0].as<float>();
    pool.parallel_for(out[0].num_elements(), 1 << 13, [&](int64_t i0, int64_t i1, int) {
      cpu::swiglu(g + i0, u + i0, y + i0, i1 - i0);
    });
  }
};

class RopeOp final : public CpuOp {
 public:
  explicit RopeOp(const RopeAttrs& a, int64_t width)
      : a_(a),
        width_(width),
        theta_scale_(std::pow(a.theta_base, -2.0f / static_cast<float>(a.n_rot))) {}
  void run(std::span<const ConstTensorView> in, std::span<const TensorView> out,
           ThreadPool& pool) override {
    const float* x = in[0].as<float>();
    const int32_t* pos = in[1].as<int32_t>();
    float* y = out[0].as<float>();
    const int64_t half = a_.n_rot / 2, hd = a_.head_dim;
    pool.parallel_for(rows_of(in[0], width_), 1, [&](int64_t r0, int64_t r1, int) {
      std::vector<float> cs(static_cast<size_t>(2 * half));
      for (int64_t r = r0; r < r1; ++r) {
        // theta by repeated multiplication, as the reference (and ggml).
        float theta = static_cast<float>(pos[r]);
        for (int64_t k = 0; k < half; ++k, theta *= theta_scale_) {
          cs[static_cast<size_t>(2 * k)] = std::cos(theta);
          cs[static_cast<size_t>(2 * k + 1)] = std::sin(theta);
        }
        const float* xr = x + r * width_;
        float* yr = y + r * width_;
        for (int64_t h = 0; h < width_; h += hd) {
          for (int64_t k = 0; k < half; ++k) {
            const int64_t i = a_.neox ? h + k : h + 2 * k;
            const int64_t j = a_.neox ? h + k + half : h + 2 * k + 1;
            const float c = cs[static_cast<size_t>(2 * k)], s = cs[static_cast<size_t>(2 * k + 1)];
            const float xi = xr[i], xj = xr[j];
            yr[i] = xi * c - xj * s;
            yr[j] = xi * s + xj * c;
          }
          if (yr != xr) std::copy(xr + h + a_.n_rot, xr + h + hd, yr + h + a_.n_rot);
        }
      }
    });
  }

 private:
  RopeAttrs a_;
  int64_t width_;
  float theta_scale_;
};

// Causal grouped-query attention over the KV cache (ops/attention.cpp).
// Every row count reads the cache's rows where they lie (float32, float16
// or q8_0, converted as read) through one kernel, cpu::attend_rows, whose
// per-row arithmetic does not depend on the other rows: a token gets the
// same bits decoded alone (one row) as in a prompt chunk or a speculative
// verification. Work items are (block of query rows, KV head), each
// serving every query head of the group; a q8_0 head's rows are converted
// to float32 once per item rather than per query row and head.
class AttentionOp final : public CpuOp {
 public:
  static constexpr int64_t kRowBlock = 16;

  AttentionOp(const AttentionAttrs& a, int64_t ctx, DType cache_dtype, const CpuOpContext& c)
      : a_(a),
        ctx_(ctx),
        cache_dtype_(cache_dtype),
        cache_f16_(cache_dtype == DType::kF16),
        row_type_(cache_dtype == DType::kF16    ? cpu::KvRowType::kF16
                  : cache_dtype == DType::kQ8_0 ? cpu::KvRowType::kQ8_0
                                                : cpu::KvRowType::kF32),
        row_bytes_(cache_dtype == DType::kF16    ? a.head_dim * 2
                   : cache_dtype == DType::kQ8_0 ? block_row_bytes(BlockFormat::kQ8_0, a.head_dim)
                                                 : a.head_dim * 4),
        scratch_(static_cast<size_t>(c.num_threads)) {}

  void run(std::span<const ConstTensorView> in, std::span<const TensorView> out,
           ThreadPool& pool) override {
    const int64_t hd = a_.head_dim, nh = a_.n_head, nkv = a_.n_kv_head, group = nh / nkv;
    const int64_t kvw = nkv * hd, qw = nh * hd;
    const int64_t rows = rows_of(in[0], qw);
    const int32_t* pos = in[3].as<int32_t>();
    // Positions were checked by the caller; clamp so a bad one cannot
    // write outside the cache.
    auto row_of = [&](int64_t i) { return std::clamp<int64_t>(pos[i], 0, ctx_ - 1); };
    for (int64_t i = 0; i < rows; ++i)
      for (int64_t g = 0; g < nkv; ++g) {
        const int64_t row = g * ctx_ + row_of(i);  // [n_kv_head, ctx, head_dim]
        store(in[4], row, in[1].as<float>() + i * kvw + g * hd);
        store(in[5], row, in[2].as<float>() + i * kvw + g * hd);
      }
    const float scale = a_.scale != 0.0f ? a_.scale : 1.0f / std::sqrt(static_cast<float>(hd));
    const auto* k_cache = static_cast<const uint8_t*>(in[4].data);
    const auto* v_cache = static_cast<const uint8_t*>(in[5].data);
    const int64_t blocks = (rows + kRowBlock - 1) / kRowBlock;
    pool.parallel_for(blocks * nkv, 1, [&](int64_t t0, int64_t t1, int thread) {
      Scratch& s = scratch_[static_cast<size_t>(thread)];
      for (int64_t t = t0; t < t1; ++t) {
        const int64_t b = t / nkv, g = t % nkv;
        const int64_t r0 = b * kRowBlock, r1 = std::min(rows, r0 + kRowBlock);
        int64_t len = 0;
        int64_t lens[kRowBlock];
        for (int64_t i = r0; i < r1; ++i) {
          lens[i - r0] = row_of(i) + 1;
          len = std::max(len, lens[i - r0]);
        }
        // With a float16 cache the queries are rounded to float16 too
        // (ops/attention.cpp).
        const float* q = in[0].as<float>() + r0 * qw;
        if (cache_f16_) {
          const size_t n = static_cast<size_t>((r1 - r0) * qw);
          s.q.resize(n);
          s.q16.resize(2 * n);
          fp32_to_fp16(q, s.q16.data(), n);
          fp16_to_fp32(s.q16.data(), s.q.data(), n);
          q = s.q.data();
        }
        float* y = out[0].as<float>() + r0 * qw;
        s.scores.resize(static_cast<size_t>(cpu::attend_rows_scratch(len)));
        const void* k = k_cache + g * ctx_ * row_bytes_;
        const void* v = v_cache + g * ctx_ * row_bytes_;
        cpu::KvRowType type = row_type_;
        if (type == cpu::KvRowType::kQ8_0) {
          // q8_0 rows converted once for every query row and head of the
          // group (the values attend_rows would convert as it reads them,
          // so the same bits).
          s.kv.resize(static_cast<size_t>(2 * len * hd));
          cpu::kv_rows_to_f32(k, type, hd, len, s.kv.data());
          cpu::kv_rows_to_f32(v, type, hd, len, s.kv.data() + len * hd);
          k = s.kv.data();
          v = s.kv.data() + len * hd;
          type = cpu::KvRowType::kF32;
        }
        for (int64_t h = g * group; h < (g + 1) * group; ++h)
          cpu::attend_rows(q + h * hd, qw, k, v, type, hd, lens, r1 - r0, scale, y + h * hd, qw,
                           s.scores.data());
      }
    });
  }

 private:
  struct Scratch {
    std::vector<float> scores, q, kv;
    std::vector<uint8_t> q16;
  };

  // One head_dim row of k or v as cache row `row` (inference checked the
  // dtype and that head_dim is whole blocks).
  void store(const ConstTensorView& cache, int64_t row, const float* src) const {
    // The cache is persistent state the op updates in place.
    encode_row(cache_dtype_, {src, static_cast<size_t>(a_.head_dim)}, const_cast<void*>(cache.data),
               row);
  }

  AttentionAttrs a_;
  int64_t ctx_;
  DType cache_dtype_;
  bool cache_f16_;
  cpu::KvRowType row_type_;
  int64_t row_bytes_;
  std::vector<Scratch> scratch_;
};

std::unique_ptr<CpuOp> make_embedding(const CpuOpContext& ctx, const Node& n) {
  const Graph& g = ctx.graph;
  const Value& table = g.value(n.inputs[0]);
  if (!table.is_constant() || table.released || table.shape.rank() != 2 ||
      !block_format_of(table.dtype) || !is_f32(g, n.outputs[0]))
    return nullptr;
  auto op = std::make_unique<EmbeddingOp>(table.dtype, table.data, table.shape[0], table.shape[1]);
  op->reads = {n.inputs[1]};
  return op;
}

std::unique_ptr<CpuOp> make_rms_norm(const CpuOpContext& ctx, const Node& n) {
  const Graph& g = ctx.graph;
  const auto* a = std::get_if<RmsNormAttrs>(&n.attrs);
  const Value& w = g.value(n.inputs[1]);
  if (!a || !w.is_constant() || w.released || !is_f32(g, n.inputs[0])) return nullptr;
  auto op = std::make_unique<RmsNormOp>(reinterpret_cast<const float*>(w.data),
                                        row_length(g, n.inputs[0]), a->epsilon);
  op->reads = {n.inputs[0]};
  return op;
}

std::unique_ptr<CpuOp> make_swiglu(const CpuOpContext& ctx, const Node& n) {
  const Graph& g = ctx.graph;
  if (g.value(n.inputs[0]).is_constant() || g.value(n.inputs[1]).is_constant()) return nullptr;
  auto op = std::make_unique<SwigluOp>();
  op->reads = {n.inputs[0], n.inputs[1]};
  return op;
}

std::unique_ptr<CpuOp> make_rope(const CpuOpContext& ctx, const Node& n) {
  const Graph& g = ctx.graph;
  const auto* a = std::get_if<RopeAttrs>(&n.attrs);
  if (!a || g.value(n.inputs[0]).is_constant() || g.value(n.inputs[1]).is_constant())
    return nullptr;
  auto op = std::make_unique<RopeOp>(*a, row_length(g, n.inputs[0]));
  op->reads = {n.inputs[0], n.inputs[1]};
  return op;
}

std::unique_ptr<CpuOp> make_attention(const CpuOpContext& ctx, const Node& n) {
  const Graph& g = ctx.graph;
  const auto* a = std::get_if<AttentionAttrs>(&n.attrs);
  // Values narrower than keys, or read from the K cache: the reference kernel.
  if (!a || a->value_dim() != a->head_dim) return nullptr;
  for (ValueId v : n.inputs)
    if (v == kNoValue || g.value(v).is_constant()) return nullptr;
  const Value& cache = g.value(n.inputs[4]);
  auto op = std::make_unique<AttentionOp>(*a, cache.shape[1], cache.dtype, ctx);
  op->reads = n.inputs;
  return op;
}

constexpr CpuOpEntry kEntries[] = {
    {OpType::kEmbedding, make_embedding, true}, {OpType::kRmsNorm, make_rms_norm, true},
    {OpType::kSwiglu, make_swiglu, true},       {OpType::kRope, make_rope, true},
    {OpType::kAttention, make_attention, true},
};

}  // namespace

std::unique_ptr<CpuOp> make_stored_weight_fully_connected(const CpuOpContext& ctx, const Node& n) {
  const Graph& g = ctx.graph;
  const auto* a = std::get_if<FullyConnectedAttrs>(&n.attrs);
  if (!a || a->activation != Activation::kNone || n.inputs.size() < 2) return nullptr;
  const Value& w = g.value(n.inputs[1]);
  const std::optional<BlockFormat> format = block_format_of(w.dtype);
  if (!format || !w.is_constant() || w.released || w.shape.rank() != 2) return nullptr;
  if (!is_f32(g, n.inputs[0]) || g.value(n.inputs[0]).is_constant()) return nullptr;
  const float* bias = nullptr;
  if (n.inputs.size() > 2 && n.inputs[2] != kNoValue) {
    const Value& b = g.value(n.inputs[2]);
    if (!b.is_constant() || b.released || b.dtype != DType::kF32 ||
        b.shape.num_elements() != w.shape[0])
      return nullptr;
    bias = reinterpret_cast<const float*>(b.data);
  }
  cpu::QuantMatmul qm;
  qm.format = *format;
  qm.weights = w.data;
  qm.n = w.shape[0];
  qm.k = w.shape[1];
  qm.bias = bias;
  if (!cpu::check_quant_matmul(qm).ok()) return nullptr;
  const int64_t max_rows = g.value(n.inputs[0]).shape.num_elements() / qm.k;
  auto op = std::make_unique<StoredWeightFcOp>(qm, max_rows, ctx);
  op->reads = {n.inputs[0]};
  // Packed: the file's rows of the matrix are never read again.
  if (op->packed()) op->copied_constants = {n.inputs[1]};
  return op;
}

std::span<const CpuOpEntry> cpu_llm_ops() {
  return kEntries;
}

}  // namespace odin
