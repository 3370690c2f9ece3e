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

// The rows of one KV head in the cache, row j at p + j * (row bytes):
// float, float16 (converted as read) or q8_0 (blocks of 32 values: an fp16
// scale, then 32 int8; value = q * scale, as dequantize_row). load(d, j, i,
// m): values i..i+m of row j (m <= Lanes), zeros past m.
struct F32Rows {
  const float* p;
  int64_t hd;
  HWY_INLINE VF load(DF d, int64_t j, int64_t i, size_t m) const {
    return load_upto(d, p + j * hd + i, m);
  }
};
struct F16Rows {
  const hwy::float16_t* p;
  int64_t hd;
  HWY_INLINE VF load(DF d, int64_t j, int64_t i, size_t m) const {
    return load_kv(d, p + j * hd + i, m);
  }
};
struct Q8Rows {
  const uint8_t* p;
  int64_t row_bytes;
  HWY_INLINE VF load(DF d, int64_t j, int64_t i, size_t m) const {
    const uint8_t* row = p + j * row_bytes;
    const size_t L = hn::Lanes(d);
    if (m == L && L <= 16 && i % 32 + static_cast<int64_t>(L) <= 32) {  // within one block
      const uint8_t* blk = row + i / 32 * 34;
      const hn::Rebind<int8_t, DF> d8;
      const hn::Rebind<int32_t, DF> d32;
      const VF q = hn::ConvertTo(
          d, hn::PromoteTo(d32, hn::LoadU(d8, reinterpret_cast<const int8_t*>(blk + 2) + i % 32)));
      // The scale: the block's first L halves (within its 34 bytes), lane 0.
      const hn::Rebind<hwy::float16_t, DF> dh;
      const float scale = hn::GetLane(
          hn::PromoteTo(d, hn::LoadU(dh, reinterpret_cast<const hwy::float16_t*>(blk))));
      return hn::Mul(q, hn::Set(d, scale));
    }
    HWY_ALIGN float tail[hn::MaxLanes(DF())];
    for (size_t t = 0; t < m; ++t) {
      const int64_t e = i + static_cast<int64_t>(t);
      const uint8_t* blk = row + e / 32 * 34;
      tail[t] = static_cast<float>(static_cast<int8_t>(blk[2 + e % 32])) *
                fp16_to_fp32(static_cast<uint16_t>(blk[0] | blk[1] << 8));
    }
    return load_n(d, tail, m);
  }
};

// R query rows of one head against the rows' keys and values: every
// (row, key) pair takes exactly the arithmetic of R = 1 (each loaded key or
// value serves all R rows), so a row's output does not depend on which
// rows share its tile: batch invariance (llm_kernels.h).
template <int R, class Rows>
HWY_INLINE void attend_tile(const float* const q[R], const Rows& k, const Rows& v, int64_t hd,
                            const int64_t lens[R], float scale, float* const out[R],
                            float* const scores[R]) {
  const DF d;
  const auto L = static_cast<int64_t>(hn::Lanes(d));
  int64_t n = 0;
  for (int r = 0; r < R; ++r) n = std::max(n, lens[r]);
  // Scores: per row and key, two accumulators over pairs of vectors, then
  // the tail (as dot_kv).
  for (int64_t j = 0; j < n; ++j) {
    VF s0[R], s1[R];
    for (int r = 0; r < R; ++r) s0[r] = s1[r] = hn::Zero(d);
    int64_t i = 0;
    for (; i + 2 * L <= hd; i += 2 * L) {
      const VF k0 = k.load(d, j, i, static_cast<size_t>(L));
      const VF k1 = k.load(d, j, i + L, static_cast<size_t>(L));
      for (int r = 0; r < R; ++r) {
        s0[r] = hn::MulAdd(hn::LoadU(d, q[r] + i), k0, s0[r]);
        s1[r] = hn::MulAdd(hn::LoadU(d, q[r] + i + L), k1, s1[r]);
      }
    }
    for (; i < hd; i += L) {
      const auto m = static_cast<size_t>(std::min(L, hd - i));
      const VF k0 = k.load(d, j, i, m);
      for (int r = 0; r < R; ++r) s0[r] = hn::MulAdd(load_upto(d, q[r] + i, m), k0, s0[r]);
    }
    for (int r = 0; r < R; ++r)
      if (j < lens[r]) scores[r][j] = hn::GetLane(hn::SumOfLanes(d, hn::Add(s0[r], s1[r]))) * scale;
  }
  float inv[R];
  for (int r = 0; r < R; ++r) {
    float max = -INFINITY;
    for (int64_t j = 0; j < lens[r]; ++j) max = std::max(max, scores[r][j]);
    inv[r] = 1.0f / ExpShifted(scores[r], lens[r], max);
  }
  // The weighted sum of v rows, four vectors of head_dim at a time: four
  // independent multiply-add chains over j per row.
  const auto width = [&](int64_t c) {
    return static_cast<size_t>(std::clamp<int64_t>(hd - c, 0, L));
  };
  for (int64_t c = 0; c < hd; c += 4 * L) {
    VF a[R][4];
    for (int r = 0; r < R; ++r)
      for (int t = 0; t < 4; ++t) a[r][t] = hn::Zero(d);
    for (int64_t j = 0; j < n; ++j) {
      VF vv[4];
      for (int t = 0; t < 4; ++t)
        vv[t] = width(c + t * L) ? v.load(d, j, c + t * L, width(c + t * L)) : hn::Zero(d);
      for (int r = 0; r < R; ++r) {
        if (j >= lens[r]) continue;
        const VF p = hn::Set(d, scores[r][j]);
        for (int t = 0; t < 4; ++t)
          if (width(c + t * L)) a[r][t] = hn::MulAdd(p, vv[t], a[r][t]);
      }
    }
    for (int r = 0; r < R; ++r) {
      const VF s = hn::Set(d, inv[r]);
      for (int t = 0; t < 4; ++t)
        if (width(c + t * L))
          store_upto(hn::Mul(a[r][t], s), d, out[r] + c + t * L, width(c + t * L));
    }
  }
}

template <class Rows>
HWY_INLINE void rows_to_f32(const Rows& rows, int64_t hd, int64_t n, float* dst) {
  const DF d;
  const auto L = static_cast<int64_t>(hn::Lanes(d));
  for (int64_t j = 0; j < n; ++j)
    for (int64_t i = 0; i < hd; i += L) {
      const auto m = static_cast<size_t>(std::min(L, hd - i));
      store_upto(rows.load(d, j, i, m), d, dst + j * hd + i, m);
    }
}

HWY_ATTR void KvRowsToF32(const void* rows, KvRowType type, int64_t hd, int64_t n, float* dst) {
  switch (type) {
    case KvRowType::kF32:
      return rows_to_f32(F32Rows{static_cast<const float*>(rows), hd}, hd, n, dst);
    case KvRowType::kF16:
      return rows_to_f32(F16Rows{static_cast<const hwy::float16_t*>(rows), hd}, hd, n, dst);
    case KvRowType::kQ8_0:
      return rows_to_f32(Q8Rows{static_cast<const uint8_t*>(rows), hd / 32 * 34}, hd, n, dst);
  }
}

template <class Rows>
HWY_INLINE void attend(const float* q, int64_t q_stride, const Rows& k, const Rows& v, int64_t hd,
                       const int64_t* lens, int64_t rows, float scale, float* out,
                       int64_t out_stride, float* scores) {
  const int64_t stride = attend_rows_scratch(*std::max_element(lens, lens + rows)) / kAttendTile;
  int64_t i = 0;
  for (; i + kAttendTile <= rows; i += kAttendTile) {
    const float* qr[kAttendTile];
    float* yr[kAttendTile];
    float* sr[kAttendTile];
    for (int r = 0; r < kAttendTile; ++r) {
      qr[r] = q + (i + r) * q_stride;
      yr[r] = out + (i + r) * out_stride;
      sr[r] = scores + r * stride;
    }
    attend_tile<kAttendTile>(qr, k, v, hd, lens + i, scale, yr, sr);
  }
  for (; i < rows; ++i) {
    const float* qr[1] = {q + i * q_stride};
    float* yr[1] = {out + i * out_stride};
    float* sr[1] = {scores};
    attend_tile<1>(qr, k, v, hd, lens + i, scale, yr, sr);
  }
}

HWY_ATTR void AttendRows(const float* q, int64_t q_stride, const void* k, const void* v,
                         KvRowType type, int64_t hd, const int64_t* lens, int64_t rows, float scale,
                         float* out, int64_t out_stride, float* scores) {
  switch (type) {
    case KvRowType::kF32:
      return attend(q, q_stride, F32Rows{static_cast<const float*>(k), hd},
                    F32Rows{static_cast<const float*>(v), hd}, hd, lens, rows, scale, out,
                    out_stride, scores);
    case KvRowType::kF16:
      return attend(q, q_stride, F16Rows{static_cast<const hwy::float16_t*>(k), hd},
                    F16Rows{static_cast<const hwy::float16_t*>(v), hd}, hd, lens, rows, scale, out,
                    out_stride, scores);
    case KvRowType::kQ8_0:
      return attend(q, q_stride, Q8Rows{static_cast<const uint8_t*>(k), hd / 32 * 34},
                    Q8Rows{static_cast<const uint8_t*>(v), hd / 32 * 34}, hd, lens, rows, scale,
                    out, out_stride, scores);
  }
}

}  // namespace HWY_NAMESPACE
}  // namespace odin::cpu
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace odin::cpu {

HWY_EXPORT(RmsNormRow);
HWY_EXPORT(Swiglu);
HWY_EXPORT(AttendRows);
HWY_EXPORT(KvRowsToF32);

void kv_rows_to_f32(const void* rows, KvRowType type, int64_t head_dim, int64_t n, float* dst) {
  HWY_DYNAMIC_DISPATCH(KvRowsToF32)(rows, type, head_dim, n, dst);
}

void attend_rows(const float* q, int64_t q_stride, const void* k, const void* v, KvRowType type,
                 int64_t head_dim, const int64_t* lens, int64_t rows, float scale, float* out,
                 int64_t out_stride, float* scores) {
  HWY_DYNAMIC_DISPATCH(AttendRows)
  (q, q_stride, k, v, type, head_dim, lens, rows, scale, out, out_stride, scores);
}

void rms_norm_row(const float* x, const float* w, float* y, int64_t d, float eps) {
  HWY_DYNAMIC_DISPATCH(RmsNormRow)(x, w, y, d, eps);
}
void swiglu(const float* g, const float* u, float* y, int64_t n) {
  HWY_DYNAMIC_DISPATCH(Swiglu)(g, u, y, n);
}

}  // namespace odin::cpu
#endif  // HWY_ONCE
