// Depthwise convolution (multiplier 1, dilation 1), vectorised over channels;
// bias, clamp and a fused PRELU's slopes applied per channel at the store.
// Per output row the valid filter rows are computed once; per row the output
// columns split into a left border, an interior where every tap is inside
// the input, and a right border. The interior of 3x3 and 5x5 filters at
// stride 1 and 2 runs a fully unrolled kernel with the filter taps held in
// registers, so padding costs no branch in the inner loop (rows whose
// window is clipped above or below run it over their valid filter rows);
// border columns take the generic path with clipped tap ranges.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "kernels/cpu/depthwise.cpp"
#include <algorithm>

#include "hwy/foreach_target.h"  // IWYU pragma: keep
#include "hwy/highway.h"
#include "kernels/cpu/cpu_kernels.h"
#include "kernels/cpu/simd-inl.h"

HWY_BEFORE_NAMESPACE();
namespace odin::cpu {
namespace HWY_NAMESPACE {

// One output pixel, channels [c0, c0 + n), taps clipped to [ky0,ky1) x [kx0,kx1).
HWY_ATTR HWY_INLINE void pixel_generic(const DepthwiseParams& p, const float* img, int64_t iy0,
                                       int64_t ix0, int64_t ky0, int64_t ky1, int64_t kx0,
                                       int64_t kx1, int64_t c0, size_t n, float* dst) {
  const DF d;
  VF acc = hn::LoadU(d, p.bias + c0);
  for (int64_t ky = ky0; ky < ky1; ++ky) {
    const float* row = img + ((iy0 + ky) * p.in_w + ix0) * p.c + c0;
    const float* w = p.weights + ky * p.k_w * p.c_pad + c0;
    for (int64_t kx = kx0; kx < kx1; ++kx)
      acc = hn::MulAdd(load_upto(d, row + kx * p.c, n), hn::LoadU(d, w + kx * p.c_pad), acc);
  }
  acc = hn::Min(hn::Max(acc, hn::Set(d, p.clamp.lo)), hn::Set(d, p.clamp.hi));
  if (p.alpha) acc = prelu(d, acc, hn::LoadU(d, p.alpha + c0));
  store_upto(acc, d, dst, n);
}

// kNO output columns starting at ox of one row, channels [c0, c0 + n),
// filter rows [ky0, ky1) (src: input row ky0 of the window): kNO
// independent accumulator chains hide the FMA latency, and each input
// vector of a filter row is loaded once for every (column, tap) pair that
// reads it.
// D: whole vectors (DF) or, for a tail of at most half the lanes, half
// vectors (DH).
template <class D, int K, int S, int kNO, bool kPartial>
HWY_ATTR HWY_INLINE void columns(const DepthwiseParams& p, const float* src, float* dst, int64_t c0,
                                 size_t n, int ky0, int ky1) {
  using VF = hn::VFromD<D>;
  constexpr int kSpan = (kNO - 1) * S + K;  // input columns one filter row reads
  const D d;
  const int64_t c = p.c, row_stride = p.in_w * c;
  const float* HWY_RESTRICT w = p.weights + c0;
  auto load = [&](const float* q) { return kPartial ? load_n(d, q, n) : hn::LoadU(d, q); };
  VF acc[kNO];
  const VF bias = hn::LoadU(d, p.bias + c0);
  for (int o = 0; o < kNO; ++o) acc[o] = bias;
  for (int ky = ky0; ky < ky1; ++ky) {
    VF x[kSpan];
    const float* row = src + (ky - ky0) * row_stride + c0;
    if constexpr (kSpan > 16) {
      // Left rolled, the 19 vectors of 5x5 at stride 2 went through the
      // stack; unrolling the narrower spans (3x3 at stride 2: 9) was slower
      // (their addresses ran out of general registers).
      HWY_UNROLL(kUnrollRegisters)
      for (int j = 0; j < kSpan; ++j) x[j] = load(row + j * c);
    } else {
      for (int j = 0; j < kSpan; ++j) x[j] = load(row + j * c);
    }
    for (int kx = 0; kx < K; ++kx) {
      const VF wv = hn::LoadU(d, w + (ky * K + kx) * p.c_pad);
      for (int o = 0; o < kNO; ++o) acc[o] = hn::MulAdd(x[o * S + kx], wv, acc[o]);
    }
  }
  const VF lo = hn::Set(d, p.clamp.lo), hi = hn::Set(d, p.clamp.hi);
  const VF alpha = p.alpha ? hn::LoadU(d, p.alpha + c0) : hn::Zero(d);
  for (int o = 0; o < kNO; ++o) {
    VF v = hn::Min(hn::Max(acc[o], lo), hi);
    if (p.alpha) v = prelu(d, v, alpha);
    if (kPartial)
      store_n(v, d, dst + o * c + c0, n);
    else
      hn::StoreU(v, d, dst + o * c + c0);
  }
}

// Every channel of kNO interior columns starting at ox, filter rows
// [ky0, ky1) (the others fall in the padding above or below).
template <int K, int S, int kNO>
HWY_ATTR HWY_INLINE void column_group(const DepthwiseParams& p, const float* img, int64_t iy0,
                                      int64_t ox, float* out_row, int ky0, int ky1) {
  const auto L = static_cast<int64_t>(hn::Lanes(DF()));
  const float* src = img + ((iy0 + ky0) * p.in_w + ox * S - p.pad_left) * p.c;  // row ky0
  float* dst = out_row + ox * p.c;
  int64_t c0 = 0;
  for (; c0 + L <= p.c; c0 += L) columns<DF, K, S, kNO, false>(p, src, dst, c0, 0, ky0, ky1);
  if (c0 == p.c) return;
  const auto n = static_cast<size_t>(p.c - c0);
  if constexpr (kHasHalfVectors) {
    if (2 * n == static_cast<size_t>(L))
      return columns<DH, K, S, kNO, false>(p, src, dst, c0, n, ky0, ky1);
    if (2 * n < static_cast<size_t>(L))
      return columns<DH, K, S, kNO, true>(p, src, dst, c0, n, ky0, ky1);
  }
  columns<DF, K, S, kNO, true>(p, src, dst, c0, n, ky0, ky1);
}

template <int K, int S>
HWY_ATTR void rows_fixed(const DepthwiseParams& p, int64_t row_begin, int64_t row_end) {
  const auto L = static_cast<int64_t>(hn::Lanes(DF()));
  // Columns whose taps all lie inside the input.
  const int64_t ox_lo = std::min(p.out_w, (p.pad_left + S - 1) / S);
  const int64_t last = p.in_w - K + p.pad_left;  // S * (last interior column), if >= 0
  const int64_t ox_hi = last < 0 ? ox_lo : std::max(ox_lo, std::min(p.out_w, last / S + 1));
  for (int64_t r = row_begin; r < row_end; ++r) {
    const int64_t b = r / p.out_h, oy = r % p.out_h;
    const float* img = p.in + b * p.in_h * p.in_w * p.c;
    float* out_row = p.out + r * p.out_w * p.c;
    const int64_t iy0 = oy * S - p.pad_top;
    const int64_t ky0 = std::max<int64_t>(0, -iy0), ky1 = std::min<int64_t>(K, p.in_h - iy0);
    auto border = [&](int64_t ox) {
      const int64_t ix0 = ox * S - p.pad_left;
      const int64_t kx0 = std::max<int64_t>(0, -ix0), kx1 = std::min<int64_t>(K, p.in_w - ix0);
      for (int64_t c0 = 0; c0 < p.c; c0 += L)
        pixel_generic(p, img, iy0, ix0, ky0, ky1, kx0, kx1, c0,
                      static_cast<size_t>(std::min(L, p.c - c0)), out_row + ox * p.c + c0);
    };
    if (ky1 <= ky0) {  // every filter row in the padding: bias only
      for (int64_t ox = 0; ox < p.out_w; ++ox) border(ox);
      continue;
    }
    // Rows whose filter rows partly fall in the padding (the first and last
    // rows) take the interior kernel too, over the rows inside: the generic
    // path is one latency-bound chain per pixel.
    const int iky0 = static_cast<int>(ky0), iky1 = static_cast<int>(ky1);
    for (int64_t ox = 0; ox < ox_lo; ++ox) border(ox);
    int64_t ox = ox_lo;
    // 8 columns at a time: 8 independent chains of K*K FMAs cover the FMA
    // latency (4 left the units partly idle); measured slower only for 3x3
    // at stride 2.
    if constexpr (S == 1 || K == 5)
      for (; ox + 8 <= ox_hi; ox += 8) column_group<K, S, 8>(p, img, iy0, ox, out_row, iky0, iky1);
    for (; ox + 4 <= ox_hi; ox += 4) column_group<K, S, 4>(p, img, iy0, ox, out_row, iky0, iky1);
    // The last 1-3 columns together: one column alone is a single chain of
    // K*K dependent FMAs, latency-bound.
    switch (ox_hi - ox) {
      case 3:
        column_group<K, S, 3>(p, img, iy0, ox, out_row, iky0, iky1);
        break;
      case 2:
        column_group<K, S, 2>(p, img, iy0, ox, out_row, iky0, iky1);
        break;
      case 1:
        column_group<K, S, 1>(p, img, iy0, ox, out_row, iky0, iky1);
        break;
      default:
        break;
    }
    ox = ox_hi;
    for (; ox < p.out_w; ++ox) border(ox);
  }
}

HWY_ATTR void rows_any(const DepthwiseParams& p, int64_t row_begin, int64_t row_end) {
  const auto L = static_cast<int64_t>(hn::Lanes(DF()));
  for (int64_t r = row_begin; r < row_end; ++r) {
    const int64_t b = r / p.out_h, oy = r % p.out_h;
    const float* img = p.in + b * p.in_h * p.in_w * p.c;
    float* out_row = p.out + r * p.out_w * p.c;
    const int64_t iy0 = oy * p.stride_h - p.pad_top;
    const int64_t ky0 = std::max<int64_t>(0, -iy0), ky1 = std::min(p.k_h, p.in_h - iy0);
    for (int64_t ox = 0; ox < p.out_w; ++ox) {
      const int64_t ix0 = ox * p.stride_w - p.pad_left;
      const int64_t kx0 = std::max<int64_t>(0, -ix0), kx1 = std::min(p.k_w, p.in_w - ix0);
      for (int64_t c0 = 0; c0 < p.c; c0 += L)
        pixel_generic(p, img, iy0, ix0, ky0, ky1, kx0, kx1, c0,
                      static_cast<size_t>(std::min(L, p.c - c0)), out_row + ox * p.c + c0);
    }
  }
}

// Channel blocks [b0, b1) of an input repacked as [c / lanes][hp][wp][lanes]
// with zero borders (every window inside): each block's image is
// contiguous, so it and the block's K*K weight vectors stay in L1 while all
// its output pixels are computed (NHWC with many channels spreads one
// block's pixels thousands of bytes apart, into few cache sets).
template <int K>
HWY_ATTR void blocked_fixed(const DepthwiseParams& p, const float* blocked, int64_t hp, int64_t wp,
                            int64_t b0, int64_t b1) {
  // Outputs per step: as many independent chains as the registers allow
  // next to the K*K weights (5x5: 4).
  constexpr int kNO = K * K > 16 ? 4 : 8;
  constexpr int kSpan = kNO - 1 + K;
  const DF d;
  const auto L = static_cast<int64_t>(hn::Lanes(d));
  const VF lo = hn::Set(d, p.clamp.lo), hi = hn::Set(d, p.clamp.hi);
  for (int64_t blk = b0; blk < b1; ++blk) {
    const int64_t batch = blk / ((p.c + L - 1) / L), cb = blk % ((p.c + L - 1) / L);
    const int64_t c0 = cb * L;
    const auto n = static_cast<size_t>(std::min(L, p.c - c0));
    const float* img = blocked + blk * hp * wp * L;
    VF w[K * K];
    for (int t = 0; t < K * K; ++t) w[t] = hn::LoadU(d, p.weights + t * p.c_pad + c0);
    const VF bias = hn::LoadU(d, p.bias + c0);
    const VF alpha = p.alpha ? hn::LoadU(d, p.alpha + c0) : hn::Zero(d);
    auto store = [&](VF v, float* q) {
      v = hn::Min(hn::Max(v, lo), hi);
      if (p.alpha) v = prelu(d, v, alpha);
      if (n == static_cast<size_t>(L))
        hn::StoreU(v, d, q);
      else
        store_n(v, d, q, n);
    };
    for (int64_t oy = 0; oy < p.out_h; ++oy) {
      const float* src_row = img + oy * wp * L;
      float* out_row = p.out + ((batch * p.out_h + oy) * p.out_w) * p.c + c0;
      int64_t ox = 0;
      for (; ox + kNO <= p.out_w; ox += kNO) {
        VF acc[kNO];
        for (int o = 0; o < kNO; ++o) acc[o] = bias;
        for (int ky = 0; ky < K; ++ky) {
          const float* src = src_row + (ky * wp + ox) * L;
          VF x[kSpan];
          for (int j = 0; j < kSpan; ++j) x[j] = hn::Load(d, src + j * L);
          for (int kx = 0; kx < K; ++kx)
            for (int o = 0; o < kNO; ++o) acc[o] = hn::MulAdd(x[o + kx], w[ky * K + kx], acc[o]);
        }
        for (int o = 0; o < kNO; ++o) store(acc[o], out_row + (ox + o) * p.c);
      }
      for (; ox < p.out_w; ++ox) {
        VF acc0 = bias, acc1 = hn::Zero(d);  // two chains: half the latency
        for (int ky = 0; ky < K; ++ky) {
          const float* src = src_row + (ky * wp + ox) * L;
          for (int kx = 0; kx < K; ++kx) {
            if ((ky * K + kx) & 1)
              acc1 = hn::MulAdd(hn::Load(d, src + kx * L), w[ky * K + kx], acc1);
            else
              acc0 = hn::MulAdd(hn::Load(d, src + kx * L), w[ky * K + kx], acc0);
          }
        }
        store(hn::Add(acc0, acc1), out_row + ox * p.c);
      }
    }
  }
}

HWY_ATTR void DepthwiseBlocked(const DepthwiseParams& p, const float* blocked, int64_t hp,
                               int64_t wp, int64_t b0, int64_t b1) {
  if (p.k_h == 5) blocked_fixed<5>(p, blocked, hp, wp, b0, b1);
}

HWY_ATTR void DepthwiseRows(const DepthwiseParams& p, int64_t row_begin, int64_t row_end) {
  const bool square = p.k_h == p.k_w && p.stride_h == p.stride_w;
  if (square && p.k_h == 3 && p.stride_h == 1) return rows_fixed<3, 1>(p, row_begin, row_end);
  if (square && p.k_h == 3 && p.stride_h == 2) return rows_fixed<3, 2>(p, row_begin, row_end);
  if (square && p.k_h == 5 && p.stride_h == 1) return rows_fixed<5, 1>(p, row_begin, row_end);
  if (square && p.k_h == 5 && p.stride_h == 2) return rows_fixed<5, 2>(p, row_begin, row_end);
  rows_any(p, row_begin, row_end);
}

}  // namespace HWY_NAMESPACE
}  // namespace odin::cpu
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace odin::cpu {

HWY_EXPORT(DepthwiseRows);
HWY_EXPORT(DepthwiseBlocked);

void depthwise_blocked(const DepthwiseParams& p, const float* blocked, int64_t hp, int64_t wp,
                       int64_t block_begin, int64_t block_end) {
  HWY_DYNAMIC_DISPATCH(DepthwiseBlocked)(p, blocked, hp, wp, block_begin, block_end);
}

void depthwise_rows(const DepthwiseParams& p, int64_t row_begin, int64_t row_end) {
  HWY_DYNAMIC_DISPATCH(DepthwiseRows)(p, row_begin, row_end);
}

}  // namespace odin::cpu
#endif  // HWY_ONCE
