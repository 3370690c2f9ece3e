// Highway kernels of kernels/cpu/llm_kernels.h. Exp is Highway's (1 ulp).
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "kernels/cpu/llm_kernels.cpp"
// clang-format off
#include "hwy/foreach_target.h"  // IWYU pragma: keep
#include "hwy/highway.h"
#include "hwy/contrib/math/math-inl.h"
// clang-format on
#include "kernels/cpu/llm_kernels.h"

#include <algorithm>
#include <cmath>

#include "kernels/cpu/simd-inl.h"
#include "quant/fp16.h"

HWY_BEFORE_NAMESPACE();
namespace odin::cpu {
namespace HWY_NAMESPACE {

// Up to m <= Lanes values of a K/V row as floats: float rows as they are,
// float16 rows (the cache's) converted on the fly, so that decode reads the
// cache once, at 2 bytes a value. The values, and so every sum, are the same.
HWY_INLINE VF load_kv(DF d, const float* p, size_t m) {
  return load_upto(d, p, m);
}
HWY_INLINE VF load_kv(DF d, const hwy::float16_t* p, size_t m) {
  if (m >= hn::Lanes(d)) return hn::PromoteTo(d, hn::LoadU(hn::Rebind<hwy::float16_t, DF>(), p));
  HWY_ALIGN float tail[hn::MaxLanes(DF())];
  fp16_to_fp32(reinterpret_cast<const uint8_t*>(p), tail, m);
  return load_n(d, tail, m);
}

// a . b with two accumulators, then the tail; b float or float16.
template <typename T>
HWY_INLINE float dot_kv(const float* a, const T* b, int64_t n) {
  const DF d;
  const auto L = static_cast<int64_t>(hn::Lanes(d));
  VF s0 = hn::Zero(d), s1 = hn::Zero(d);
  int64_t i = 0;
  for (; i + 2 * L <= n; i += 2 * L) {
    s0 = hn::MulAdd(hn::LoadU(d, a + i), load_kv(d, b + i, static_cast<size_t>(L)), s0);
    s1 = hn::MulAdd(hn::LoadU(d, a + i + L), load_kv(d, b + i + L, static_cast<size_t>(L)), s1);
  }
  for (; i < n; i += L) {
    const auto m = static_cast<size_t>(std::min(L, n - i));
    s0 = hn::MulAdd(load_upto(d, a + i, m), load_kv(d, b + i, m), s0);
  }
  return hn::GetLane(hn::SumOfLanes(d, hn::Add(s0, s1)));
}

HWY_ATTR float Dot(const float* a, const float* b, int64_t n) {
  return dot_kv(a, b, n);
}

HWY_ATTR void RmsNormRow(const float* x, const float* w, float* y, int64_t n, float eps) {
  const DF d;
  const float mean = Dot(x, x, n) / static_cast<float>(n);
  const VF scale = hn::Set(d, 1.0f / std::sqrt(mean + eps));
  const auto L = static_cast<int64_t>(hn::Lanes(d));
  int64_t i = 0;
  for (; i + L <= n; i += L)
    hn::StoreU(hn::Mul(hn::Mul(hn::LoadU(d, x + i), scale), hn::LoadU(d, w + i)), d, y + i);
  if (i < n) {
    const auto m = static_cast<size_t>(n - i);
    store_n(hn::Mul(hn::Mul(load_n(d, x + i, m), scale), load_n(d, w + i, m)), d, y + i, m);
  }
}

HWY_INLINE VF silu_mul(DF d, VF g, VF u) {
  // exp(-g) overflows past g < -88: clamp, so silu gives -0, not NaN.
  const VF e = hn::Exp(d, hn::Min(hn::Neg(g), hn::Set(d, 88.0f)));
  return hn::Mul(hn::Div(g, hn::Add(hn::Set(d, 1.0f), e)), u);
}

HWY_ATTR void Swiglu(const float* g, const float* u, float* y, int64_t n) {
  const DF d;
  const auto L = static_cast<int64_t>(hn::Lanes(d));
  int64_t i = 0;
  for (; i + L <= n; i += L)
    hn::StoreU(silu_mul(d, hn::LoadU(d, g + i), hn::LoadU(d, u + i)), d, y + i);
  if (i < n) {
    const auto m = static_cast<size_t>(n - i);
    store_n(silu_mul(d, load_n(d, g + i, m), load_n(d, u + i, m)), d, y + i, m);
  }
}

HWY_ATTR float ExpShifted(float* s, int64_t n, float max) {
  const DF d;
  const VF vmax = hn::Set(d, max);
  const auto L = static_cast<int64_t>(hn::Lanes(d));
  VF sum = hn::Zero(d);
  int64_t i = 0;
  for (; i + L <= n; i += L) {
    const VF e = hn::Exp(d, hn::Sub(hn::LoadU(d, s + i), vmax));
    hn::StoreU(e, d, s + i);
    sum = hn::Add(sum, e);
  }
  float total = hn::GetLane(hn::SumOfLanes(d, sum));
  for (; i < n; ++i) total += (s[i] = std::exp(s[i] - max));
  return total;
}

template <typename T>
HWY_INLINE void attend(const float* q, int64_t q_stride, const T* k, const T* v, int64_t hd,
                       const int64_t* lens, int64_t rows, float scale, float* out,
                       int64_t out_stride, float* scores) {
  const DF d;
  const auto L = static_cast<int64_t>(hn::Lanes(d));
  for (int64_t i = 0; i < rows; ++i) {
    const float* qi = q + i * q_stride;
    const int64_t n = lens[i];
    float max = -INFINITY;
    for (int64_t j = 0; j < n; ++j) {
      const float s = dot_kv(qi, k + j * hd, hd) * scale;
      scores[j] = s;
      max = std::max(max, s);
    }
    const float inv = 1.0f / ExpShifted(scores, n, max);
    float* y = out + i * out_stride;
    // The weighted sum of v rows, four vectors of head_dim at a time: four
    // independent multiply-add chains over j (one chain waits on each add).
    const auto width = [&](int64_t c) {
      return static_cast<size_t>(std::clamp<int64_t>(hd - c, 0, L));
    };
    for (int64_t c = 0; c < hd; c += 4 * L) {
      VF a0 = hn::Zero(d), a1 = hn::Zero(d), a2 = hn::Zero(d), a3 = hn::Zero(d);
      for (int64_t j = 0; j < n; ++j) {
        const VF p = hn::Set(d, scores[j]);
        const T* vj = v + j * hd + c;
        a0 = hn::MulAdd(p, load_kv(d, vj, width(c)), a0);
        if (width(c + L)) a1 = hn::MulAdd(p, load_kv(d, vj + L, width(c + L)), a1);
        if (width(c + 2 * L)) a2 = hn::MulAdd(p, load_kv(d, vj + 2 * L, width(c + 2 * L)), a2);
        if (width(c + 3 * L)) a3 = hn::MulAdd(p, load_kv(d, vj + 3 * L, width(c + 3 * L)), a3);
      }
      const VF scale_inv = hn::Set(d, inv);
      store_upto(hn::Mul(a0, scale_inv), d, y + c, width(c));
      if (width(c + L)) store_upto(hn::Mul(a1, scale_inv), d, y + c + L, width(c + L));
      if (width(c + 2 * L)) store_upto(hn::Mul(a2, scale_inv), d, y + c + 2 * L, width(c + 2 * L));
      if (width(c + 3 * L)) store_upto(hn::Mul(a3, scale_inv), d, y + c + 3 * L, width(c + 3 * L));
    }
  }
}

// Keys [n <= 16, hd] into one panel, [hd][16]: lane j of column c holds
// k[j][c], zeros past n, so that a vector of the panel's column c holds one
// coordinate of 16 keys and scores need no horizontal sums.
HWY_ATTR void PackKeyPanel(const float* k, int64_t n, int64_t hd, float* panel) {
  std::fill(panel, panel + hd * kKeyPanel, 0.0f);
  for (int64_t j = 0; j < n; ++j)
    for (int64_t c = 0; c < hd; ++c) panel[c * kKeyPanel + j] = k[j * hd + c];
}

// The tile of A B that blocked attention spends its time in, 4 rows by 2
// vectors: sink(r, v, sum_k a[r][k] * b_v[k * b_stride]), b_v's first m_v
// lanes (zeros past them). Each loaded B vector serves 4 rows and each
// broadcast A value 2 vectors: 8 independent FMA chains hide the latency.
template <class Sink>
HWY_INLINE void tile_4x2(const float* const a[4], const float* b0, size_t m0, const float* b1,
                         size_t m1, int64_t b_stride, int64_t depth, const Sink& sink) {
  const DF d;
  VF c00 = hn::Zero(d), c01 = hn::Zero(d), c10 = hn::Zero(d), c11 = hn::Zero(d);
  VF c20 = hn::Zero(d), c21 = hn::Zero(d), c30 = hn::Zero(d), c31 = hn::Zero(d);
  for (int64_t k = 0; k < depth; ++k) {
    const VF v0 = load_upto(d, b0 + k * b_stride, m0);
    const VF v1 = load_upto(d, b1 + k * b_stride, m1);
    VF x = hn::Set(d, a[0][k]);
    c00 = hn::MulAdd(x, v0, c00);
    c01 = hn::MulAdd(x, v1, c01);
    x = hn::Set(d, a[1][k]);
    c10 = hn::MulAdd(x, v0, c10);
    c11 = hn::MulAdd(x, v1, c11);
    x = hn::Set(d, a[2][k]);
    c20 = hn::MulAdd(x, v0, c20);
    c21 = hn::MulAdd(x, v1, c21);
    x = hn::Set(d, a[3][k]);
    c30 = hn::MulAdd(x, v0, c30);
    c31 = hn::MulAdd(x, v1, c31);
  }
  sink(0, c00, c01);
  sink(1, c10, c11);
  sink(2, c20, c21);
  sink(3, c30, c31);
}

// Up to 4 query rows: scores[r][j] = q_r . k_j * scale for j < n over the
// key panels, with keys in lanes (at most 16 a vector, so a vector never
// straddles two panels).
HWY_INLINE void key_scores(const float* const q[4], const float* panels, int64_t hd, int64_t n,
                           float scale, float* scores, int64_t stride) {
  const DF d;
  const auto w = static_cast<int64_t>(std::min<size_t>(hn::Lanes(d), kKeyPanel));
  const auto at = [&](int64_t j) {
    return panels + j / kKeyPanel * kKeyPanel * hd + j % kKeyPanel;
  };
  for (int64_t j = 0; j < n; j += 2 * w) {
    const bool two = j + w < n;
    const auto sink = [&](int64_t r, VF s0, VF s1) {
      float* s = scores + r * stride + j;
      const VF vscale = hn::Set(d, scale);  // not captured: SVE vectors are sizeless
      store_upto(hn::Mul(s0, vscale), d, s, static_cast<size_t>(w));
      if (two) store_upto(hn::Mul(s1, vscale), d, s + w, static_cast<size_t>(w));
    };
    const auto m1 = static_cast<size_t>(two ? w : 0);
    tile_4x2(q, at(j), static_cast<size_t>(w), two ? at(j + w) : at(j), m1, kKeyPanel, hd, sink);
  }
}

// The largest of s[0..n), n >= 1.
HWY_INLINE float row_max(const float* s, int64_t n) {
  const DF d;
  const auto L = static_cast<int64_t>(hn::Lanes(d));
  VF m = hn::Set(d, s[0]);
  int64_t j = 0;
  for (; j + L <= n; j += L) m = hn::Max(m, hn::LoadU(d, s + j));
  float max = hn::GetLane(hn::MaxOfLanes(d, m));
  for (; j < n; ++j) max = std::max(max, s[j]);
  return max;
}

// Softmax numerators of one row's n keys in place, zeros for its keys
// n..end (past its causal length, for rows of a tile that see more);
// returns 1 / their sum.
HWY_INLINE float softmax_row(float* s, int64_t n, int64_t end) {
  const float inv = 1.0f / ExpShifted(s, n, row_max(s, n));
  std::fill(s + n, s + end, 0.0f);
  return inv;
}

// out[r] = inv[r] * sum_{j < n} p[r][j] v_j for the tile's first `rows`
// rows, 2 vectors of head_dim at a time.
HWY_INLINE void weighted_values(const float* const p[4], const float* v, int64_t hd, int64_t n,
                                const float inv[4], float* const out[4], int64_t rows) {
  const DF d;
  const auto L = static_cast<int64_t>(hn::Lanes(d));
  const auto width = [&](int64_t c) {
    return static_cast<size_t>(std::clamp<int64_t>(hd - c, 0, L));
  };
  for (int64_t c = 0; c < hd; c += 2 * L) {
    const size_t m0 = width(c), m1 = width(c + L);
    const auto sink = [&](int64_t r, VF a0, VF a1) {
      if (r >= rows) return;
      const VF s = hn::Set(d, inv[r]);
      store_upto(hn::Mul(a0, s), d, out[r] + c, m0);
      if (m1) store_upto(hn::Mul(a1, s), d, out[r] + c + L, m1);
    };
    tile_4x2(p, v + c, m0, m1 ? v + c + L : v + c, m1, hd, n, sink);
  }
}

// Tiles of 4 query rows: their scores against the key panels up to the
// tile's longest length, softmax per row, then the weighted values.
HWY_ATTR void AttendRows(const float* q, int64_t q_stride, const float* panels, const float* v,
                         int64_t hd, const int64_t* lens, int64_t rows, float scale, float* out,
                         int64_t out_stride, float* scores) {
  const int64_t stride = attend_rows_scratch(*std::max_element(lens, lens + rows)) / 4;
  for (int64_t i0 = 0; i0 < rows; i0 += 4) {
    const int64_t nr = std::min<int64_t>(4, rows - i0);
    const float* qr[4];
    const float* pr[4];
    float* yr[4];
    float inv[4];
    int64_t n = 0;
    for (int64_t r = 0; r < 4; ++r) {
      // A short tile repeats its last row (computed, not stored).
      const int64_t i = i0 + std::min(r, nr - 1);
      qr[r] = q + i * q_stride;
      pr[r] = scores + std::min(r, nr - 1) * stride;
      yr[r] = out + i * out_stride;
      n = std::max(n, lens[i]);
    }
    key_scores(qr, panels, hd, n, scale, scores, stride);
    for (int64_t r = 0; r < nr; ++r) inv[r] = softmax_row(scores + r * stride, lens[i0 + r], n);
    weighted_values(pr, v, hd, n, inv, yr, nr);
  }
}

HWY_ATTR void AttendRowsF16(const float* q, int64_t q_stride, const uint8_t* k, const uint8_t* v,
                            int64_t hd, const int64_t* lens, int64_t rows, float scale, float* out,
                            int64_t out_stride, float* scores) {
  attend(q, q_stride, reinterpret_cast<const hwy::float16_t*>(k),
         reinterpret_cast<const hwy::float16_t*>(v), hd, lens, rows, scale, out, out_stride,
         scores);
}

}  // namespace HWY_NAMESPACE
}  // namespace odin::cpu
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace odin::cpu {

HWY_EXPORT(RmsNormRow);
HWY_EXPORT(Swiglu);
HWY_EXPORT(PackKeyPanel);
HWY_EXPORT(AttendRows);
HWY_EXPORT(AttendRowsF16);

void pack_key_panel(const float* k, int64_t n, int64_t head_dim, float* panel) {
  HWY_DYNAMIC_DISPATCH(PackKeyPanel)(k, n, head_dim, panel);
}

void attend_rows(const float* q, int64_t q_stride, const float* panels, const float* v,
                 int64_t head_dim, const int64_t* lens, int64_t rows, float scale, float* out,
                 int64_t out_stride, float* scores) {
  HWY_DYNAMIC_DISPATCH(AttendRows)
  (q, q_stride, panels, v, head_dim, lens, rows, scale, out, out_stride, scores);
}

void attend_rows_f16(const float* q, int64_t q_stride, const uint8_t* k, const uint8_t* v,
                     int64_t head_dim, const int64_t* lens, int64_t rows, float scale, float* out,
                     int64_t out_stride, float* scores) {
  HWY_DYNAMIC_DISPATCH(AttendRowsF16)
  (q, q_stride, k, v, head_dim, lens, rows, scale, out, out_stride, scores);
}

void rms_norm_row(const float* x, const float* w, float* y, int64_t d, float eps) {
  HWY_DYNAMIC_DISPATCH(RmsNormRow)(x, w, y, d, eps);
}
void swiglu(const float* g, const float* u, float* y, int64_t n) {
  HWY_DYNAMIC_DISPATCH(Swiglu)(g, u, y, n);
}

}  // namespace odin::cpu
#endif  // HWY_ONCE
