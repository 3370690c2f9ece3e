// Elementwise float32 kernels: ADD/SUB/MUL/DIV/SQUARED_DIFFERENCE (same shape, a row vector
// broadcast over rows, or a scalar) with the fused activation as a clamp,
// PRELU with per-channel alpha, and the RELU family as a clamp. Every kernel
// reads element i before writing element i, so out may alias an input (the
// memory planner's in-place rule relies on this).
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "kernels/cpu/elementwise.cpp"
#include <algorithm>

#include "hwy/foreach_target.h"  // IWYU pragma: keep
#include "hwy/highway.h"
#include "kernels/cpu/cpu_kernels.h"
#include "kernels/cpu/simd-inl.h"

HWY_BEFORE_NAMESPACE();
namespace odin::cpu {
namespace HWY_NAMESPACE {

template <BinaryFn kOp>
HWY_INLINE VF apply(VF x, VF y) {
  if constexpr (kOp == BinaryFn::kAdd) {
    return hn::Add(x, y);
  } else if constexpr (kOp == BinaryFn::kSub) {
    return hn::Sub(x, y);
  } else if constexpr (kOp == BinaryFn::kMul) {
    return hn::Mul(x, y);
  } else if constexpr (kOp == BinaryFn::kSquaredDifference) {
    const VF d = hn::Sub(x, y);
    return hn::Mul(d, d);
  } else {
    static_assert(kOp == BinaryFn::kDiv, "a function has_binary_kernel() accepts");
    return hn::Div(x, y);
  }
}

// out[i] = clamp(x[i] op y[i]) over n elements; x or y may be a broadcast
// vector (stride 0 is expressed by the caller passing the same row).
template <BinaryFn kOp>
HWY_ATTR HWY_INLINE void row_op(const float* x, const float* y, float* out, int64_t n, VF lo,
                                VF hi) {
  const DF d;
  const auto L = static_cast<int64_t>(hn::Lanes(d));
  int64_t i = 0;
  for (; i + L <= n; i += L)
    hn::StoreU(hn::Min(hn::Max(apply<kOp>(hn::LoadU(d, x + i), hn::LoadU(d, y + i)), lo), hi), d,
               out + i);
  if (i < n) {
    const auto m = static_cast<size_t>(n - i);
    store_n(hn::Min(hn::Max(apply<kOp>(load_n(d, x + i, m), load_n(d, y + i, m)), lo), hi), d,
            out + i, m);
  }
}

template <BinaryFn kOp>
HWY_ATTR void binary_rows(const float* a, int64_t a_stride, const float* b, int64_t b_stride,
                          float* out, int64_t rows, int64_t c, Clamp clamp) {
  const DF d;
  const VF lo = hn::Set(d, clamp.lo), hi = hn::Set(d, clamp.hi);
  for (int64_t r = 0; r < rows; ++r)
    row_op<kOp>(a + r * a_stride, b + r * b_stride, out + r * c, c, lo, hi);
}

// a is [rows][c] (a_stride = c) or one row (a_stride = 0); same for b.
HWY_ATTR void BinaryRows(BinaryFn op, const float* a, int64_t a_stride, const float* b,
                         int64_t b_stride, float* out, int64_t rows, int64_t c, Clamp clamp) {
  switch (op) {
    case BinaryFn::kAdd:
      return binary_rows<BinaryFn::kAdd>(a, a_stride, b, b_stride, out, rows, c, clamp);
    case BinaryFn::kSub:
      return binary_rows<BinaryFn::kSub>(a, a_stride, b, b_stride, out, rows, c, clamp);
    case BinaryFn::kMul:
      return binary_rows<BinaryFn::kMul>(a, a_stride, b, b_stride, out, rows, c, clamp);
    case BinaryFn::kSquaredDifference:
      return binary_rows<BinaryFn::kSquaredDifference>(a, a_stride, b, b_stride, out, rows, c,
                                                       clamp);
    case BinaryFn::kDiv:
      return binary_rows<BinaryFn::kDiv>(a, a_stride, b, b_stride, out, rows, c, clamp);
    default:
      return;  // has_binary_kernel() said no
  }
}

template <BinaryFn kOp>
HWY_ATTR void binary_scalar(const float* a, float s, float* out, int64_t n, bool scalar_first,
                            Clamp clamp) {
  const DF d;
  const auto L = static_cast<int64_t>(hn::Lanes(d));
  const VF lo = hn::Set(d, clamp.lo), hi = hn::Set(d, clamp.hi), vs = hn::Set(d, s);
  int64_t i = 0;
  for (; i < n; i += L) {
    const auto m = static_cast<size_t>(std::min(L, n - i));
    const VF x = load_upto(d, a + i, m);
    const VF y = scalar_first ? apply<kOp>(vs, x) : apply<kOp>(x, vs);
    store_upto(hn::Min(hn::Max(y, lo), hi), d, out + i, m);
  }
}

HWY_ATTR void BinaryScalar(BinaryFn op, const float* a, float s, float* out, int64_t n,
                           bool scalar_first, Clamp clamp) {
  switch (op) {
    case BinaryFn::kAdd:
      return binary_scalar<BinaryFn::kAdd>(a, s, out, n, scalar_first, clamp);
    case BinaryFn::kSub:
      return binary_scalar<BinaryFn::kSub>(a, s, out, n, scalar_first, clamp);
    case BinaryFn::kMul:
      return binary_scalar<BinaryFn::kMul>(a, s, out, n, scalar_first, clamp);
    case BinaryFn::kSquaredDifference:
      return binary_scalar<BinaryFn::kSquaredDifference>(a, s, out, n, scalar_first, clamp);
    case BinaryFn::kDiv:
      return binary_scalar<BinaryFn::kDiv>(a, s, out, n, scalar_first, clamp);
    default:
      return;  // has_binary_kernel() said no
  }
}

HWY_ATTR void PreluRows(const float* x, const float* alpha, float* out, int64_t rows, int64_t c) {
  const DF d;
  const auto L = static_cast<int64_t>(hn::Lanes(d));
  const VF zero = hn::Zero(d);
  for (int64_t r = 0; r < rows; ++r) {
    const float* xr = x + r * c;
    float* yr = out + r * c;
    for (int64_t i = 0; i < c; i += L) {
      const auto m = static_cast<size_t>(std::min(L, c - i));
      const VF v = load_upto(d, xr + i, m);
      // x >= 0 ? x : x * alpha (a NaN x stays NaN either way)
      const VF y = hn::IfThenElse(hn::Lt(v, zero), hn::Mul(v, load_upto(d, alpha + i, m)), v);
      store_upto(y, d, yr + i, m);
    }
  }
}

// Whole vectors, then scalar remainders: a masked store mid-buffer stalls a
// following overlapping load (no store-to-load forwarding from masked
// stores), and pixels of c = 28 floats overlap each other's vectors. With
// out == y (the memory planner runs this in place) that costs 4x.
HWY_ATTR void AddChannelPadded(const float* x, int64_t cx, const float* y, float* out,
                               int64_t pixels, int64_t c, Clamp clamp) {
  const DF d;
  const VF lo = hn::Set(d, clamp.lo), hi = hn::Set(d, clamp.hi);
  const auto L = static_cast<int64_t>(hn::Lanes(d));
  auto clamp1 = [&](float v) { return std::min(std::max(v, clamp.lo), clamp.hi); };
  for (int64_t p = 0; p < pixels; ++p) {
    const float* xp = x + p * cx;
    const float* yp = y + p * c;
    float* op = out + p * c;
    int64_t i = 0;
    for (; i + L <= cx; i += L)
      hn::StoreU(hn::Min(hn::Max(hn::Add(hn::LoadU(d, xp + i), hn::LoadU(d, yp + i)), lo), hi), d,
                 op + i);
    for (; i < cx; ++i) op[i] = clamp1(xp[i] + yp[i]);
    for (; i + L <= c; i += L)  // the padded channels: y alone
      hn::StoreU(hn::Min(hn::Max(hn::LoadU(d, yp + i), lo), hi), d, op + i);
    for (; i < c; ++i) op[i] = clamp1(yp[i]);
  }
}

HWY_ATTR void ReduceMiddle(const float* x, float* out, int64_t o0, int64_t o1, int64_t inner,
                           int64_t c, bool mean) {
  const DF d;
  const auto L = static_cast<int64_t>(hn::Lanes(d));
  const VF count = hn::Set(d, static_cast<float>(inner));
  for (int64_t o = o0; o < o1; ++o) {
    const float* xo = x + o * inner * c;
    for (int64_t j = 0; j < c; j += L) {
      const auto m = static_cast<size_t>(std::min(L, c - j));
      VF acc = hn::Zero(d);
      for (int64_t i = 0; i < inner; ++i) acc = hn::Add(acc, load_upto(d, xo + i * c + j, m));
      store_upto(mean ? hn::Div(acc, count) : acc, d, out + o * c + j, m);
    }
  }
}

HWY_ATTR void ClampValues(const float* x, float* out, int64_t n, Clamp clamp) {
  const DF d;
  const auto L = static_cast<int64_t>(hn::Lanes(d));
  const VF lo = hn::Set(d, clamp.lo), hi = hn::Set(d, clamp.hi);
  int64_t i = 0;
  for (; i + L <= n; i += L) hn::StoreU(hn::Min(hn::Max(hn::LoadU(d, x + i), lo), hi), d, out + i);
  if (i < n) {
    const auto m = static_cast<size_t>(n - i);
    store_n(hn::Min(hn::Max(load_n(d, x + i, m), lo), hi), d, out + i, m);
  }
}

}  // namespace HWY_NAMESPACE
}  // namespace odin::cpu
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace odin::cpu {

bool has_binary_kernel(BinaryFn fn) {
  return fn == BinaryFn::kAdd || fn == BinaryFn::kSub || fn == BinaryFn::kMul ||
         fn == BinaryFn::kDiv || fn == BinaryFn::kSquaredDifference;
}

HWY_EXPORT(BinaryRows);
HWY_EXPORT(BinaryScalar);
HWY_EXPORT(PreluRows);
HWY_EXPORT(ClampValues);
HWY_EXPORT(AddChannelPadded);
HWY_EXPORT(ReduceMiddle);

void reduce_middle(const float* x, float* out, int64_t o0, int64_t o1, int64_t inner, int64_t c,
                   bool mean) {
  HWY_DYNAMIC_DISPATCH(ReduceMiddle)(x, out, o0, o1, inner, c, mean);
}

void add_channel_padded(const float* x, int64_t cx, const float* y, float* out, int64_t pixels,
                        int64_t c, Clamp clamp) {
  HWY_DYNAMIC_DISPATCH(AddChannelPadded)(x, cx, y, out, pixels, c, clamp);
}

void binary_same(BinaryFn op, const float* a, const float* b, float* out, int64_t n, Clamp clamp) {
  HWY_DYNAMIC_DISPATCH(BinaryRows)(op, a, 0, b, 0, out, 1, n, clamp);
}

void binary_row(BinaryFn op, const float* rows, const float* vec, float* out, int64_t num_rows,
                int64_t c, bool vec_first, Clamp clamp) {
  if (vec_first)
    HWY_DYNAMIC_DISPATCH(BinaryRows)(op, vec, 0, rows, c, out, num_rows, c, clamp);
  else
    HWY_DYNAMIC_DISPATCH(BinaryRows)(op, rows, c, vec, 0, out, num_rows, c, clamp);
}

void binary_scalar(BinaryFn op, const float* a, float s, float* out, int64_t n, bool scalar_first,
                   Clamp clamp) {
  HWY_DYNAMIC_DISPATCH(BinaryScalar)(op, a, s, out, n, scalar_first, clamp);
}

void prelu_rows(const float* x, const float* alpha, float* out, int64_t num_rows, int64_t c) {
  HWY_DYNAMIC_DISPATCH(PreluRows)(x, alpha, out, num_rows, c);
}

void clamp_values(const float* x, float* out, int64_t n, Clamp clamp) {
  HWY_DYNAMIC_DISPATCH(ClampValues)(x, out, n, clamp);
}

}  // namespace odin::cpu
#endif  // HWY_ONCE
