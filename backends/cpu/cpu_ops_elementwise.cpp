// ADD/SUB/MUL/DIV/SQUARED_DIFFERENCE, PRELU, the unary activations, MEAN,
// SUM and SOFTMAX on the optimized kernels, for the broadcast patterns these
// models use: same shapes, a per-channel vector (all leading dims 1), a value
// per pixel ([1, H, W, 1], CAS-ViT's spatial gate) or a scalar against a full
// tensor, and ADD with an operand padded with zero channels (BlazeFace's
// residuals).
#include <algorithm>
#include <cstring>

#include "backends/cpu/cpu_op.h"
#include "core/const_data.h"
#include "kernels/cpu/cpu_kernels.h"
#include "ops/op_def.h"

namespace odin {
namespace {

// Items per chunk for items of `floats` streamed floats each: enough for a
// split to pay for the hand-off (ThreadPool::grain_for).
int64_t grain(const ThreadPool& pool, int64_t floats) {
  return pool.grain_for(static_cast<double>(floats) * cpu::kStreamNsPerFloat);
}

bool is_f32(const Graph& g, ValueId v) {
  return v != kNoValue && g.value(v).dtype == DType::kF32 && g.value(v).shape.is_static();
}

// A shape that broadcasts as one row along the last axis of `full`: every
// leading dim 1, the last equal to full's last (rank may be smaller).
bool is_row_of(const Shape& s, const Shape& full) {
  if (s.rank() == 0 || s.rank() > full.rank() || full.rank() == 0) return false;
  if (s[s.rank() - 1] != full[full.rank() - 1]) return false;
  for (size_t i = 0; i + 1 < s.rank(); ++i)
    if (s[i] != 1) return false;
  return true;
}

// A shape that broadcasts as one value per row of `full` (the last axis),
// the values repeating every `period` rows: full's shape with the last dim
// 1 and leading dims 1, e.g. a [1, H, W, 1] gate over [1, H, W, C] (period
// H * W) or a GroupNorm's [1, 1, G, 1] statistics over [1, H*W, G, C/G]
// (period G). 0 when it does not.
int64_t column_period(const Shape& s, const Shape& full) {
  if (s.rank() != full.rank() || full.rank() == 0 || s[s.rank() - 1] != 1) return 0;
  size_t first = s.rank() - 1;  // the dims [first, rank - 1) equal full's, those before are 1
  while (first > 0 && s[first - 1] == full[first - 1]) --first;
  int64_t period = 1;
  for (size_t i = 0; i + 1 < s.rank(); ++i) {
    if (i < first && s[i] != 1) return 0;
    if (i >= first) period *= s[i];
  }
  return period;
}

enum class Pattern { kSame, kRow, kColumn, kScalar };

class BinaryOp final : public CpuOp {
 public:
  BinaryOp(BinaryFn op, Pattern pattern, bool small_first, int64_t c, cpu::Clamp clamp,
           int64_t period = 0)
      : op_(op),
        pattern_(pattern),
        small_first_(small_first),
        c_(c),
        period_(period),
        clamp_(clamp) {
    // Rows shorter than a few vectors (a GroupNorm's groups) cost a call
    // each: the small operand is expanded to whole rows of period * c.
    if (pattern == Pattern::kColumn && c < 16 && period * c <= 4096)
      expanded_.resize(static_cast<size_t>(period * c));
  }
  CpuOperand big, small;  // `small` is the broadcast operand (kRow, kColumn, kScalar)

  void run(std::span<const ConstTensorView> in, std::span<const TensorView> out,
           ThreadPool& pool) override {
    const float* a = big.get(in);
    const float* b = small.get(in);
    float* y = out[0].as<float>();
    const int64_t n = out[0].num_elements();  // this run's (dims may follow a symbol)
    switch (pattern_) {
      case Pattern::kSame:
        pool.parallel_for(n, grain(pool, 1), [&](int64_t i0, int64_t i1, int) {
          const float* x0 = a + i0;
          const float* x1 = b + i0;
          if (small_first_) std::swap(x0, x1);
          cpu::binary_same(op_, x0, x1, y + i0, i1 - i0, clamp_);
        });
        return;
      case Pattern::kRow: {
        const int64_t rows = n / c_;
        pool.parallel_for(rows, grain(pool, c_), [&](int64_t r0, int64_t r1, int) {
          cpu::binary_row(op_, a + r0 * c_, b, y + r0 * c_, r1 - r0, c_, small_first_, clamp_);
        });
        return;
      }
      case Pattern::kColumn: {
        const int64_t rows = n / c_;
        if (!expanded_.empty()) {  // short rows: one row of period * c values, broadcast
          for (int64_t p = 0; p < period_; ++p) std::fill_n(expanded_.begin() + p * c_, c_, b[p]);
          const int64_t row = period_ * c_;
          pool.parallel_for(n / row, grain(pool, row), [&](int64_t r0, int64_t r1, int) {
            cpu::binary_row(op_, a + r0 * row, expanded_.data(), y + r0 * row, r1 - r0, row,
                            small_first_, clamp_);
          });
          return;
        }
        pool.parallel_for(rows, grain(pool, c_), [&](int64_t r0, int64_t r1, int) {
          for (int64_t r = r0; r < r1; ++r)
            cpu::binary_scalar(op_, a + r * c_, b[r % period_], y + r * c_, c_, small_first_,
                               clamp_);
        });
        return;
      }
      case Pattern::kScalar: {
        const float s = *b;
        pool.parallel_for(n, grain(pool, 1), [&](int64_t i0, int64_t i1, int) {
          cpu::binary_scalar(op_, a + i0, s, y + i0, i1 - i0, small_first_, clamp_);
        });
        return;
      }
    }
  }

 private:
  BinaryFn op_;
  Pattern pattern_;
  bool small_first_;
  int64_t c_;
  int64_t period_;  // kColumn: the small operand's values
  cpu::Clamp clamp_;
  std::vector<float> expanded_;  // kColumn with short rows: the small operand per row
};

class ChannelPadAddOp final : public CpuOp {
 public:
  ChannelPadAddOp(int64_t pixels, int64_t cx, int64_t c, cpu::Clamp clamp)
      : pixels_(pixels), cx_(cx), c_(c), clamp_(clamp) {}
  void run(std::span<const ConstTensorView> in, std::span<const TensorView> out,
           ThreadPool& pool) override {
    const auto* x = in[0].as<float>();
    const auto* y = in[1].as<float>();
    auto* o = out[0].as<float>();
    pool.parallel_for(pixels_, grain(pool, c_), [&](int64_t p0, int64_t p1, int) {
      cpu::add_channel_padded(x + p0 * cx_, cx_, y + p0 * c_, o + p0 * c_, p1 - p0, c_, clamp_);
    });
  }

 private:
  int64_t pixels_, cx_, c_;
  cpu::Clamp clamp_;
};

// ADD whose padded operand (a folded PAD) only gains zero channels at the
// end of its last dim; else null (the reference kernel pads in general).
std::unique_ptr<CpuOp> make_channel_pad_add(const Graph& g, const Node& n, BinaryFn fn,
                                            const OperandPad& pad, cpu::Clamp clamp) {
  if (fn != BinaryFn::kAdd) return nullptr;
  const ValueId padded = n.inputs[static_cast<size_t>(pad.input)];
  const ValueId other = n.inputs[pad.input == 0 ? 1 : 0];
  if (g.value(padded).is_constant()) return nullptr;
  const Shape& x = g.value(padded).shape;
  const Shape& out = g.value(n.outputs[0]).shape;
  const size_t rank = x.rank();
  if (rank == 0 || rank > 4 || out.rank() != rank || g.value(other).shape != out) return nullptr;
  for (size_t i = 0; i < 4; ++i)
    if (pad.before[i] != 0 || (i < 3 && pad.after[i] != 0)) return nullptr;
  const int64_t c = out[rank - 1], cx = x[rank - 1];
  if (cx < 1 || cx + pad.after[3] != c) return nullptr;
  auto op = std::make_unique<ChannelPadAddOp>(out.num_elements() / c, cx, c, clamp);
  op->reads = {padded, other};
  return op;
}

std::unique_ptr<CpuOp> make_binary(const CpuOpContext& ctx, const Node& n) {
  const Graph& g = ctx.graph;
  const auto* attrs = std::get_if<BinaryAttrs>(&n.attrs);
  cpu::Clamp clamp;
  if (!attrs || !cpu::clamp_of(attrs->activation, &clamp) || !is_f32(g, n.outputs[0]))
    return nullptr;
  if (n.inputs.size() != 2 || !is_f32(g, n.inputs[0]) || !is_f32(g, n.inputs[1])) return nullptr;
  const BinaryFn fn = op_def(n.op).binary_fn;
  if (!cpu::has_binary_kernel(fn)) return nullptr;
  const Shape& a = g.value(n.inputs[0]).shape;
  const Shape& b = g.value(n.inputs[1]).shape;
  // Sizes set per run (dim symbols): only the whole-tensor operands may
  // have them; the others' kernels are bound to the planned sizes.
  const bool variable = g.value(n.outputs[0]).shape.has_symbols();
  if (variable && attrs->operand_pad.active()) return nullptr;
  if (attrs->operand_pad.active()) return make_channel_pad_add(g, n, fn, attrs->operand_pad, clamp);
  const Shape& out = g.value(n.outputs[0]).shape;
  const int64_t total = out.num_elements();
  if (total <= 0) return nullptr;
  std::unique_ptr<BinaryOp> op;
  std::vector<ValueId> reads;
  auto make = [&](Pattern pat, bool small_first, ValueId big, ValueId small, int64_t c,
                  int64_t period = 0) {
    op = std::make_unique<BinaryOp>(fn, pat, small_first, c, clamp, period);
    op->big = bind_operand(g, big, reads);
    op->small = bind_operand(g, small, reads);
  };
  const int64_t c = out.rank() > 0 ? out[out.rank() - 1] : 1;  // scalar outputs: one "row"
  if (a == out && b == out) {
    make(Pattern::kSame, false, n.inputs[0], n.inputs[1], c);
  } else if (variable) {
    return nullptr;
  } else if (a == out && b.num_elements() == 1) {
    make(Pattern::kScalar, false, n.inputs[0], n.inputs[1], c);
  } else if (b == out && a.num_elements() == 1) {
    make(Pattern::kScalar, true, n.inputs[1], n.inputs[0], c);
  } else if (a == out && out.rank() > 0 && is_row_of(b, out)) {
    make(Pattern::kRow, false, n.inputs[0], n.inputs[1], c);
  } else if (b == out && out.rank() > 0 && is_row_of(a, out)) {
    make(Pattern::kRow, true, n.inputs[1], n.inputs[0], c);
  } else if (a == out && column_period(b, out) > 0) {
    make(Pattern::kColumn, false, n.inputs[0], n.inputs[1], c, column_period(b, out));
  } else if (b == out && column_period(a, out) > 0) {
    make(Pattern::kColumn, true, n.inputs[1], n.inputs[0], c, column_period(a, out));
  } else {
    return nullptr;
  }
  op->reads = std::move(reads);
  return op;
}

class PreluOp final : public CpuOp {
 public:
  PreluOp(int64_t rows, int64_t c) : rows_(rows), c_(c) {}
  CpuOperand x, alpha;
  void run(std::span<const ConstTensorView> in, std::span<const TensorView> out,
           ThreadPool& pool) override {
    const float* xp = x.get(in);
    const float* ap = alpha.get(in);
    float* y = out[0].as<float>();
    pool.parallel_for(rows_, grain(pool, c_), [&](int64_t r0, int64_t r1, int) {
      cpu::prelu_rows(xp + r0 * c_, ap, y + r0 * c_, r1 - r0, c_);
    });
  }

 private:
  int64_t rows_, c_;
};

std::unique_ptr<CpuOp> make_prelu(const CpuOpContext& ctx, const Node& n) {
  const Graph& g = ctx.graph;
  if (n.outputs.size() != 1 || !is_f32(g, n.outputs[0])) return nullptr;
  if (n.inputs.size() != 2 || !is_f32(g, n.inputs[0]) || !is_f32(g, n.inputs[1])) return nullptr;
  const Shape& x = g.value(n.inputs[0]).shape;
  const Shape& alpha = g.value(n.inputs[1]).shape;
  if (g.value(n.outputs[0]).shape != x || x.rank() == 0 || x.num_elements() <= 0) return nullptr;
  std::unique_ptr<PreluOp> op;
  if (alpha == x)  // one alpha per element: a single long row
    op = std::make_unique<PreluOp>(1, x.num_elements());
  else if (is_row_of(alpha, x))
    op = std::make_unique<PreluOp>(x.num_elements() / x[x.rank() - 1], x[x.rank() - 1]);
  else
    return nullptr;
  std::vector<ValueId> reads;
  op->x = bind_operand(g, n.inputs[0], reads);
  op->alpha = bind_operand(g, n.inputs[1], reads);
  op->reads = std::move(reads);
  return op;
}

class ClampOp final : public CpuOp {
 public:
  ClampOp(int64_t n, cpu::Clamp clamp) : n_(n), clamp_(clamp) {}
  void run(std::span<const ConstTensorView> in, std::span<const TensorView> out,
           ThreadPool& pool) override {
    const auto* x = in[0].as<float>();
    auto* y = out[0].as<float>();
    pool.parallel_for(n_, grain(pool, 1), [&](int64_t i0, int64_t i1, int) {
      cpu::clamp_values(x + i0, y + i0, i1 - i0, clamp_);
    });
  }

 private:
  int64_t n_;
  cpu::Clamp clamp_;
};

// The RELU family: each op is a fused activation standing alone.
std::unique_ptr<CpuOp> make_clamp(const CpuOpContext& ctx, const Node& n) {
  const Graph& g = ctx.graph;
  const Activation act = op_def(n.op).as_fused_activation;
  cpu::Clamp clamp;
  if (act == Activation::kNone || !cpu::clamp_of(act, &clamp)) return nullptr;
  if (n.outputs.size() != 1 || !is_f32(g, n.outputs[0])) return nullptr;
  if (n.inputs.size() != 1 || !is_f32(g, n.inputs[0]) || g.value(n.inputs[0]).is_constant())
    return nullptr;
  const int64_t count = g.value(n.inputs[0]).shape.num_elements();
  if (count <= 0 || g.value(n.outputs[0]).shape.num_elements() != count) return nullptr;
  auto op = std::make_unique<ClampOp>(count, clamp);
  op->reads = {n.inputs[0]};
  return op;
}

// LOGISTIC, TANH, HARD_SWISH, LEAKY_RELU, RSQRT, GELU: one SIMD loop each.
class UnaryOp final : public CpuOp {
 public:
  UnaryOp(UnaryFn fn, int64_t n, float alpha) : fn_(fn), n_(n), alpha_(alpha) {}
  void run(std::span<const ConstTensorView> in, std::span<const TensorView> out,
           ThreadPool& pool) override {
    const auto* x = in[0].as<float>();
    auto* y = out[0].as<float>();
    // Transcendentals cost ~20x a copy: smaller chunks are worth a thread.
    pool.parallel_for(n_, grain(pool, 8), [&](int64_t i0, int64_t i1, int) {
      cpu::unary_values(fn_, x + i0, y + i0, i1 - i0, alpha_);
    });
  }

 private:
  UnaryFn fn_;
  int64_t n_;
  float alpha_;
};

std::unique_ptr<CpuOp> make_unary(const CpuOpContext& ctx, const Node& n) {
  const Graph& g = ctx.graph;
  const UnaryFn fn = unary_fn_of(n);
  if (!cpu::has_unary_kernel(fn) || n.inputs.size() != 1 || n.outputs.size() != 1) return nullptr;
  if (!is_f32(g, n.inputs[0]) || g.value(n.inputs[0]).is_constant() || !is_f32(g, n.outputs[0]))
    return nullptr;
  const int64_t count = g.value(n.inputs[0]).shape.num_elements();
  if (count <= 0 || g.value(n.outputs[0]).shape.num_elements() != count) return nullptr;
  const auto* leaky = std::get_if<LeakyReluAttrs>(&n.attrs);
  if (fn == UnaryFn::kLeakyRelu && !leaky) return nullptr;
  auto op = std::make_unique<UnaryOp>(fn, count, leaky ? leaky->alpha : 0.0f);
  op->reads = {n.inputs[0]};
  return op;
}

class SoftmaxOp final : public CpuOp {
 public:
  SoftmaxOp(int64_t rows, int64_t depth, float beta) : rows_(rows), depth_(depth), beta_(beta) {}
  void run(std::span<const ConstTensorView> in, std::span<const TensorView> out,
           ThreadPool& pool) override {
    const auto* x = in[0].as<float>();
    auto* y = out[0].as<float>();
    // An exp costs ~20x a copy (as the unary kernels).
    pool.parallel_for(rows_, grain(pool, depth_ * 20), [&](int64_t r0, int64_t r1, int) {
      cpu::softmax_rows(x + r0 * depth_, y + r0 * depth_, r1 - r0, depth_, beta_);
    });
  }

 private:
  int64_t rows_, depth_;
  float beta_;
};

std::unique_ptr<CpuOp> make_softmax(const CpuOpContext& ctx, const Node& n) {
  const Graph& g = ctx.graph;
  const auto* a = std::get_if<SoftmaxAttrs>(&n.attrs);
  if (!a || n.inputs.size() != 1 || n.outputs.size() != 1) return nullptr;
  if (!is_f32(g, n.inputs[0]) || g.value(n.inputs[0]).is_constant() || !is_f32(g, n.outputs[0]))
    return nullptr;
  const Shape& s = g.value(n.inputs[0]).shape;
  if (s.rank() < 1 || s[s.rank() - 1] < 1 || g.value(n.outputs[0]).shape != s) return nullptr;
  const int64_t depth = s[s.rank() - 1];
  auto op = std::make_unique<SoftmaxOp>(s.num_elements() / depth, depth, a->beta);
  op->reads = {n.inputs[0]};
  return op;
}

// MEAN / SUM over one contiguous run of axes, or two with kept axes
// between them and the second at the end (a GroupNorm's [N, H*W, G, C/G]
// over axes 1 and 3): [outer][inner][c][tail] -> [outer][c]. The inner run
// is summed into per-op scratch [outer][c * tail], then each tail.
class ReduceOp final : public CpuOp {
 public:
  ReduceOp(int64_t outer, int64_t inner, int64_t c, int64_t tail, bool mean)
      : outer_(outer), inner_(inner), c_(c), tail_(tail), mean_(mean) {
    if (tail_ > 1) scratch_.resize(static_cast<size_t>(outer_ * c_ * tail_));
  }
  void run(std::span<const ConstTensorView> in, std::span<const TensorView> out,
           ThreadPool& pool) override {
    const auto* x = in[0].as<float>();
    auto* y = out[0].as<float>();
    const int64_t row = c_ * tail_;
    float* sums = tail_ > 1 ? scratch_.data() : y;
    pool.parallel_for(outer_, grain(pool, inner_ * row), [&](int64_t o0, int64_t o1, int) {
      cpu::reduce_middle(x, sums, o0, o1, inner_, row, mean_);
      if (tail_ == 1) return;
      for (int64_t j = o0 * c_; j < o1 * c_; ++j) {
        float acc = 0.0f;
        for (int64_t t = 0; t < tail_; ++t) acc += sums[j * tail_ + t];
        y[j] = mean_ ? acc / static_cast<float>(tail_) : acc;
      }
    });
  }

 private:
  int64_t outer_, inner_, c_, tail_;
  bool mean_;
  std::vector<float> scratch_;
};

template <bool kMean>
std::unique_ptr<CpuOp> make_reduce(const CpuOpContext& ctx, const Node& n) {
  const Graph& g = ctx.graph;
  if (n.outputs.size() != 1 || !is_f32(g, n.outputs[0])) return nullptr;
  if (n.inputs.size() != 2 || !is_f32(g, n.inputs[0]) || g.value(n.inputs[0]).is_constant())
    return nullptr;
  const Shape& s = g.value(n.inputs[0]).shape;
  const std::optional<std::vector<int64_t>> axes = read_int_constant(g.value(n.inputs[1]));
  if (!axes || s.num_elements() <= 0) return nullptr;
  std::vector<bool> reduced(s.rank(), false);
  for (int64_t a : *axes) {
    int64_t norm = 0;
    if (!normalize_axis(a, s.rank(), &norm)) return nullptr;
    reduced[static_cast<size_t>(norm)] = true;
  }
  // The reduced axes: a run [first, last], then kept axes, then optionally
  // a second run to the end [tail_first, rank).
  const size_t rank = s.rank();
  size_t first = 0;
  while (first < rank && !reduced[first]) ++first;
  if (first == rank) return nullptr;
  size_t last = first;
  while (last + 1 < rank && reduced[last + 1]) ++last;
  size_t tail_first = rank;
  while (tail_first > last + 1 && reduced[tail_first - 1]) --tail_first;
  for (size_t i = last + 1; i < tail_first; ++i)
    if (reduced[i]) return nullptr;
  int64_t outer = 1, inner = 1, c = 1, tail = 1;
  for (size_t i = 0; i < rank; ++i)
    (i < first ? outer : i <= last ? inner : i < tail_first ? c : tail) *= s[i];
  if (g.value(n.outputs[0]).shape.num_elements() != outer * c) return nullptr;
  auto op = std::make_unique<ReduceOp>(outer, inner, c, tail, kMean);
  op->reads = {n.inputs[0]};
  return op;
}

constexpr CpuOpEntry kEntries[] = {
    // Binary ops read their sizes per run (variable_dims).
    {OpType::kAdd, make_binary, true},
    {OpType::kSub, make_binary, true},
    {OpType::kMul, make_binary, true},
    {OpType::kDiv, make_binary, true},
    {OpType::kSquaredDifference, make_binary, true},
    {OpType::kPrelu, make_prelu},
    {OpType::kRelu, make_clamp},
    {OpType::kRelu6, make_clamp},
    {OpType::kReluN1To1, make_clamp},
    {OpType::kMean, make_reduce<true>},
    {OpType::kSum, make_reduce<false>},
    {OpType::kLogistic, make_unary},
    {OpType::kTanh, make_unary},
    {OpType::kHardSwish, make_unary},
    {OpType::kLeakyRelu, make_unary},
    {OpType::kRsqrt, make_unary},
    {OpType::kGelu, make_unary},
    {OpType::kSoftmax, make_softmax},
};

}  // namespace

std::span<const CpuOpEntry> cpu_elementwise_ops() {
  return kEntries;
}

}  // namespace odin
