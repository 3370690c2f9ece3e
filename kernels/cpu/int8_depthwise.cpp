// int8/uint8 depthwise convolution (multiplier 1; int8_kernels.h). The
// input rows a window reads are converted once per thread into int16 x - zx
// with the padding's zeros in place, so every tap is one unconditional load;
// each int16 vector is multiplied pairwise with the even and the odd
// channels' weights (vpdpwssd on AVX-512 VNNI) into two int32 sums,
// requantized, interleaved back into channel order. Stride-1 rows run as
// flat vectors of (pixel, channel) values (no lanes lost to channel counts
// like 24 or 36), other strides per pixel and block of 2 x Lanes channels.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "kernels/cpu/int8_depthwise.cpp"
#include <algorithm>
#include <cstring>
#include <numeric>

// Highway 1.0 compiles the AVX3_DL target (VNNI) only on request.
#ifndef HWY_WANT_AVX3_DL
#define HWY_WANT_AVX3_DL 1
#endif
#include <vector>

#include "hwy/foreach_target.h"  // IWYU pragma: keep
#include "hwy/highway.h"
#include "kernels/cpu/int8_kernels.h"
#include "kernels/cpu/int8_requant-inl.h"
#include "kernels/cpu/row_cache.h"

HWY_BEFORE_NAMESPACE();
namespace odin::cpu {
namespace HWY_NAMESPACE {
namespace {

// The filter taps of one axis inside the input: [k0, k1).
HWY_INLINE void clip_taps(int64_t i0, int64_t k, int64_t dilation, int64_t in, int64_t* k0,
                          int64_t* k1) {
  *k0 = 0;
  *k1 = k;
  while (*k0 < *k1 && i0 + *k0 * dilation < 0) ++*k0;
  while (*k1 > *k0 && i0 + (*k1 - 1) * dilation >= in) --*k1;
}

#if HWY_TARGET == HWY_SCALAR
// One int32 lane holds no int16 pair: plain loops, one channel at a time.
template <typename T>
HWY_INLINE void pixel(const Int8DepthwiseParams& p, const T* img, int64_t iy0, int64_t ix0,
                      int64_t ky0, int64_t ky1, int64_t kx0, int64_t kx1, uint8_t* dst) {
  const Int8DepthwiseWeights& w = *p.w;
  for (int64_t c = 0; c < p.c; ++c) {
    int32_t sum = 0;
    for (int64_t ky = ky0; ky < ky1; ++ky)
      for (int64_t kx = kx0; kx < kx1; ++kx) {
        const int64_t i = ((iy0 + ky * p.dilation_h) * p.in_w + ix0 + kx * p.dilation_w) * p.c + c;
        const int16_t* wt = w.weights() + ((ky * p.k_w + kx) * 2 + c % 2) * w.c_pad;
        sum += (int32_t{img[i]} - p.in_zero) * wt[c];
      }
    const Int8Requant& q = c % 2 ? w.odd : w.even;
    store_bytes(requantize(hn::Set(DI32(), sum), RequantLanes(q, c / 2)), q.out_unsigned, dst + c,
                1);
  }
}

template <typename T>
HWY_INLINE void output_row(const Int8DepthwiseParams& p, const T* img, int64_t iy0, int64_t ky0,
                           int64_t ky1, uint8_t* dst) {
  for (int64_t ox = 0; ox < p.out_w; ++ox) {
    const int64_t ix0 = ox * p.stride_w - p.pad_left;
    int64_t kx0, kx1;
    clip_taps(ix0, p.k_w, p.dilation_w, p.in_w, &kx0, &kx1);
    pixel(p, img, iy0, ix0, ky0, ky1, kx0, kx1, dst + ox * p.c);
  }
}
template <typename T>
HWY_INLINE void rows_of(const Int8DepthwiseParams& p, int64_t row_begin, int64_t row_end) {
  const T* in = static_cast<const T*>(p.in);
  auto* out = static_cast<uint8_t*>(p.out);
  for (int64_t row = row_begin; row < row_end; ++row) {
    const int64_t n = row / p.out_h, oy = row % p.out_h;
    const int64_t iy0 = oy * p.stride_h - p.pad_top;
    int64_t ky0, ky1;
    clip_taps(iy0, p.k_h, p.dilation_h, p.in_h, &ky0, &ky1);
    output_row(p, in + n * p.in_h * p.in_w * p.c, iy0, ky0, ky1, out + row * p.out_w * p.c);
  }
}
#else
using DI16 = hn::Repartition<int16_t, DI32>;
using VI16 = hn::Vec<DI16>;

// 2 x Lanes channels at p as int16 minus the zero point. A block past the
// last channel (n < all) still loads whole where it ends before `end`
// (the extra lanes meet zero weights); else through a buffer.
template <typename T>
HWY_INLINE VI16 load_centered(const T* p, size_t n, const T* end, VI16 zero) {
  const DI16 d;
  const hn::Rebind<T, DI16> d8;
  if (n == hn::Lanes(d) || p + hn::Lanes(d) <= end)
    return hn::Sub(hn::PromoteTo(d, hn::LoadU(d8, p)), zero);
  HWY_ALIGN T buf[HWY_MAX_BYTES / 2] = {};
  std::memcpy(buf, p, n);
  return hn::Sub(hn::PromoteTo(d, hn::Load(d8, buf)), zero);
}

// Bytes of channels [c0, c0 + n) of one pixel from the requantized sums
// of its even and odd channels (int32, within the output dtype's range).
HWY_INLINE void store_interleaved(VI32 even, VI32 odd, bool out_unsigned, uint8_t* dst, size_t n) {
  const DI32 d;
  const DI16 d16;
  // int32 lane i: channel 2i in its low half, 2i + 1 in its high half.
  const VI32 pairs = hn::Or(hn::And(even, hn::Set(d, 0xFFFF)), hn::ShiftLeft<16>(odd));
  const hn::Rebind<uint8_t, DI16> du8;
  const hn::Rebind<int8_t, DI16> di8;
  const auto v = hn::BitCast(d16, pairs);
  const auto bytes = out_unsigned ? hn::DemoteTo(du8, v) : hn::BitCast(du8, hn::DemoteTo(di8, v));
  if (n == hn::Lanes(du8)) return hn::StoreU(bytes, du8, dst);
#if HWY_TARGET <= HWY_AVX3
  // AVX-512 masked stores touch no other byte (other targets' emulations
  // rewrite neighbours, which other threads may be writing).
  return hn::BlendedStore(bytes, hn::FirstN(du8, n), du8, dst);
#endif
  HWY_ALIGN uint8_t buf[HWY_MAX_BYTES / 2];
  hn::Store(bytes, du8, buf);
  std::memcpy(dst, buf, n);
}

// An int32 sum of pairwise int16 products (two halves on targets whose
// ReorderWidenMulAccumulate splits them; vpdpwssd on AVX-512 VNNI).
struct PairSum {
  VI32 s0, s1;
  HWY_INLINE PairSum() : s0(hn::Zero(DI32())), s1(hn::Zero(DI32())) {}
  HWY_INLINE void add(VI16 x, VI16 w) {
#if HWY_TARGET == HWY_AVX3_DL
    // Highway 1.0's AVX3_DL attributes lack avx512vnni: inline assembly.
    asm("vpdpwssd %2, %1, %0" : "+v"(s0.raw) : "v"(x.raw), "v"(w.raw));
#else
    s0 = hn::ReorderWidenMulAccumulate(DI32(), x, w, s0, s1);
#endif
  }
  HWY_INLINE VI32 total() const {
    return hn::RearrangeToOddPlusEven(s0, s1);
  }
};

// The input rows a band of output rows reads, centered (x - zx) as int16
// with the padding's zeros in place: row iy as [cols][c_pad], cols the
// padded width the output columns reach, cached (rows outside the image:
// zeros).
struct CenteredRows {
  int64_t cols = 0, c_pad = 0;
  RowCache<int16_t>* cache = nullptr;
};

template <typename T>
HWY_INLINE const int16_t* centered_row(const Int8DepthwiseParams& p, const T* img, int64_t iy,
                                       CenteredRows& r) {
  if (iy < 0 || iy >= p.in_h) return r.cache->outside();
  bool cached = false;
  int16_t* dst = r.cache->slot(iy, &cached);
  if (cached) return dst;
  const DI16 d16;
  const auto step = static_cast<int64_t>(hn::Lanes(d16));
  const auto zero = hn::Set(d16, static_cast<int16_t>(p.in_zero));
  const T* end = static_cast<const T*>(p.in) + p.batch * p.in_h * p.in_w * p.c;
  // Columns [j0, j1) inside the input.
  const int64_t j0 = std::min(r.cols, std::max<int64_t>(0, p.pad_left));
  const int64_t j1 = std::max(j0, std::min(r.cols, p.in_w + p.pad_left));
  if (r.c_pad == p.c) {  // dense: one flat run of the row's values
    const T* src = img + (iy * p.in_w + j0 - p.pad_left) * p.c;
    const int64_t count = (j1 - j0) * p.c;
    for (int64_t i = 0; i < count; i += step)
      hn::StoreU(load_centered(src + i, static_cast<size_t>(std::min(step, count - i)), end, zero),
                 d16, dst + j0 * p.c + i);
  } else {
    for (int64_t j = j0; j < j1; ++j) {
      const T* src = img + (iy * p.in_w + j - p.pad_left) * p.c;
      for (int64_t c0 = 0; c0 < p.c; c0 += step)
        hn::StoreU(
            load_centered(src + c0, static_cast<size_t>(std::min(step, p.c - c0)), end, zero), d16,
            dst + j * r.c_pad + c0);
    }
  }
  // The padding (after the run: its last vector may spill into it).
  std::memset(dst, 0, static_cast<size_t>(j0 * r.c_pad) * sizeof(int16_t));
  std::memset(dst + j1 * r.c_pad, 0,
              static_cast<size_t>((r.cols - j1) * r.c_pad) * sizeof(int16_t));
  return dst;
}

// Output row of a stride-1 window as flat vectors (Int8DepthwiseWeights
// flat_*), two at a time; `tables`: even and odd per phase.
template <int kKh, int kKw>
HWY_INLINE void output_row_flat(const Int8DepthwiseParams& p, const int16_t* const* rows,
                                const RequantLanes* tables, uint8_t* dst) {
  const DI16 d16;
  const auto step = static_cast<int64_t>(hn::Lanes(d16));
  const Int8DepthwiseWeights& w = *p.w;
  const int64_t kh = kKh ? kKh : p.k_h, kw = kKw ? kKw : p.k_w;
  const int64_t taps = kh * kw, tap_step = p.dilation_w * p.c, total = p.out_w * p.c;
  const int64_t phase_elems = taps * 2 * step;
  const bool out_unsigned = w.even.out_unsigned;
  const int16_t* wf = w.flat_weights();
  int64_t ph = 0;
  int64_t f0 = 0;
  for (; f0 + step < total; f0 += 2 * step) {
    const int64_t ph2 = ph + 1 == w.phases ? 0 : ph + 1;
    const int16_t* w0 = wf + ph * phase_elems;
    const int16_t* w1 = wf + ph2 * phase_elems;
    PairSum e0, o0, e1, o1;
    for (int64_t ky = 0; ky < kh; ++ky) {
      const int16_t* x = rows[ky] + f0;
      for (int64_t kx = 0; kx < kw; ++kx) {
        const int64_t t2 = (ky * kw + kx) * 2 * step;
        const VI16 x0 = hn::LoadU(d16, x + kx * tap_step);
        const VI16 x1 = hn::LoadU(d16, x + kx * tap_step + step);
        e0.add(x0, hn::LoadU(d16, w0 + t2));
        o0.add(x0, hn::LoadU(d16, w0 + t2 + step));
        e1.add(x1, hn::LoadU(d16, w1 + t2));
        o1.add(x1, hn::LoadU(d16, w1 + t2 + step));
      }
    }
    store_interleaved(requantize(e0.total(), tables[2 * ph]),
                      requantize(o0.total(), tables[2 * ph + 1]), out_unsigned, dst + f0,
                      static_cast<size_t>(step));
    store_interleaved(requantize(e1.total(), tables[2 * ph2]),
                      requantize(o1.total(), tables[2 * ph2 + 1]), out_unsigned, dst + f0 + step,
                      static_cast<size_t>(std::min(step, total - f0 - step)));
    ph = ph2 + 1 == w.phases ? 0 : ph2 + 1;
  }
  if (f0 < total) {
    const int16_t* w0 = wf + ph * phase_elems;
    PairSum e0, o0;
    for (int64_t ky = 0; ky < kh; ++ky) {
      const int16_t* x = rows[ky] + f0;
      for (int64_t kx = 0; kx < kw; ++kx) {
        const int64_t t2 = (ky * kw + kx) * 2 * step;
        const VI16 x0 = hn::LoadU(d16, x + kx * tap_step);
        e0.add(x0, hn::LoadU(d16, w0 + t2));
        o0.add(x0, hn::LoadU(d16, w0 + t2 + step));
      }
    }
    store_interleaved(requantize(e0.total(), tables[2 * ph]),
                      requantize(o0.total(), tables[2 * ph + 1]), out_unsigned, dst + f0,
                      static_cast<size_t>(total - f0));
  }
}

// Output row `oy` of one image: per block of channels (tables loaded
// once), two output pixels at a time sharing each weight load.
template <int kKh, int kKw>
HWY_INLINE void output_row(const Int8DepthwiseParams& p, const int16_t* const* rows, int64_t c_pad,
                           uint8_t* dst) {
  const DI16 d16;
  const auto step = static_cast<int64_t>(hn::Lanes(d16));
  const Int8DepthwiseWeights& w = *p.w;
  const int64_t kh = kKh ? kKh : p.k_h, kw = kKw ? kKw : p.k_w;
  const int64_t col_step = p.stride_w * c_pad, tap_step = p.dilation_w * c_pad;
  const bool out_unsigned = w.even.out_unsigned;
  for (int64_t c0 = 0; c0 < p.c; c0 += step) {
    const auto n = static_cast<size_t>(std::min(step, p.c - c0));
    const RequantLanes even_tables(w.even, c0 / 2), odd_tables(w.odd, c0 / 2);
    const int16_t* wt = w.weights() + c0;
    int64_t ox = 0;
    for (; ox + 1 < p.out_w; ox += 2) {
      PairSum e0, o0, e1, o1;
      for (int64_t ky = 0; ky < kh; ++ky) {
        const int16_t* x = rows[ky] + ox * col_step + c0;
        const int16_t* wk = wt + ky * kw * 2 * w.c_pad;
        for (int64_t kx = 0; kx < kw; ++kx) {
          const VI16 we = hn::LoadU(d16, wk + kx * 2 * w.c_pad);
          const VI16 wo = hn::LoadU(d16, wk + (kx * 2 + 1) * w.c_pad);
          const VI16 x0 = hn::LoadU(d16, x + kx * tap_step);
          const VI16 x1 = hn::LoadU(d16, x + kx * tap_step + col_step);
          e0.add(x0, we);
          o0.add(x0, wo);
          e1.add(x1, we);
          o1.add(x1, wo);
        }
      }
      store_interleaved(requantize(e0.total(), even_tables), requantize(o0.total(), odd_tables),
                        out_unsigned, dst + ox * p.c + c0, n);
      store_interleaved(requantize(e1.total(), even_tables), requantize(o1.total(), odd_tables),
                        out_unsigned, dst + (ox + 1) * p.c + c0, n);
    }
    if (ox < p.out_w) {
      PairSum e0, o0;
      for (int64_t ky = 0; ky < kh; ++ky) {
        const int16_t* x = rows[ky] + ox * col_step + c0;
        const int16_t* wk = wt + ky * kw * 2 * w.c_pad;
        for (int64_t kx = 0; kx < kw; ++kx) {
          const VI16 x0 = hn::LoadU(d16, x + kx * tap_step);
          e0.add(x0, hn::LoadU(d16, wk + kx * 2 * w.c_pad));
          o0.add(x0, hn::LoadU(d16, wk + (kx * 2 + 1) * w.c_pad));
        }
      }
      store_interleaved(requantize(e0.total(), even_tables), requantize(o0.total(), odd_tables),
                        out_unsigned, dst + ox * p.c + c0, n);
    }
  }
}

template <typename T>
HWY_INLINE void rows_of(const Int8DepthwiseParams& p, int64_t row_begin, int64_t row_end) {
  const T* in = static_cast<const T*>(p.in);
  auto* out = static_cast<uint8_t*>(p.out);
  const Int8DepthwiseWeights& w = *p.w;
  const auto step = static_cast<int64_t>(hn::Lanes(DI16()));
  const bool flat = p.stride_w == 1 && w.flat_lanes == step && w.phases > 0;
  CenteredRows r;
  r.c_pad = flat ? p.c : w.c_pad;
  r.cols = (p.out_w - 1) * p.stride_w + (p.k_w - 1) * p.dilation_w + 1;
  // Any k_h rows (kh - 1) dilations apart have distinct slots mod this;
  // each slot has one vector of slack past the end for the last vector's
  // loads.
  thread_local RowCache<int16_t> cache;
  thread_local std::vector<const int16_t*> rows;
  cache.reset((p.k_h - 1) * p.dilation_h + 1, r.cols * r.c_pad + step, int16_t{0});
  rows.resize(static_cast<size_t>(p.k_h));
  r.cache = &cache;
  // On the stack (aligned for whole-vector loads; std::vector need not be).
  RequantLanes tables[2 * kInt8DepthwiseMaxPhases];
  for (int64_t ph = 0; flat && ph < w.phases; ++ph) {
    tables[2 * ph] = RequantLanes(w.flat_even[static_cast<size_t>(ph)], 0);
    tables[2 * ph + 1] = RequantLanes(w.flat_odd[static_cast<size_t>(ph)], 0);
  }
  int64_t image = -1;
  for (int64_t row = row_begin; row < row_end; ++row) {
    const int64_t n = row / p.out_h, oy = row % p.out_h;
    if (n != image) {
      image = n;
      cache.forget();
    }
    const T* img = in + n * p.in_h * p.in_w * p.c;
    const int64_t iy0 = oy * p.stride_h - p.pad_top;
    for (int64_t ky = 0; ky < p.k_h; ++ky)
      rows[static_cast<size_t>(ky)] = centered_row(p, img, iy0 + ky * p.dilation_h, r);
    uint8_t* dst = out + row * p.out_w * p.c;
    if (flat) {
      if (p.k_h == 3 && p.k_w == 3)
        output_row_flat<3, 3>(p, rows.data(), tables, dst);
      else if (p.k_h == 5 && p.k_w == 5)
        output_row_flat<5, 5>(p, rows.data(), tables, dst);
      else
        output_row_flat<0, 0>(p, rows.data(), tables, dst);
    } else if (p.k_h == 3 && p.k_w == 3) {
      output_row<3, 3>(p, rows.data(), r.c_pad, dst);
    } else if (p.k_h == 5 && p.k_w == 5) {
      output_row<5, 5>(p, rows.data(), r.c_pad, dst);
    } else {
      output_row<0, 0>(p, rows.data(), r.c_pad, dst);
    }
  }
}
#endif

}  // namespace

HWY_ATTR int64_t Int8DepthwiseLanes() {
#if HWY_TARGET == HWY_SCALAR
  return 0;
#else
  return static_cast<int64_t>(hn::Lanes(hn::Repartition<int16_t, DI32>()));
#endif
}

HWY_ATTR void Int8DepthwiseRows(const Int8DepthwiseParams& p, int64_t row_begin, int64_t row_end) {
  with_byte_type(p.in_unsigned, [&](auto t) { rows_of<decltype(t)>(p, row_begin, row_end); });
}

}  // namespace HWY_NAMESPACE
}  // namespace odin::cpu
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace odin::cpu {

HWY_EXPORT(Int8DepthwiseRows);
HWY_EXPORT(Int8DepthwiseLanes);

void int8_depthwise_rows(const Int8DepthwiseParams& p, int64_t row_begin, int64_t row_end) {
  HWY_DYNAMIC_DISPATCH(Int8DepthwiseRows)(p, row_begin, row_end);
}

namespace {

// Channels parity, parity + 2, ... below c_pad (padded to whole panels).
std::vector<int64_t> every_other(int64_t parity, int64_t c_pad) {
  std::vector<int64_t> from(static_cast<size_t>(c_pad / 2));
  for (size_t i = 0; i < from.size(); ++i) from[i] = 2 * static_cast<int64_t>(i) + parity;
  return from;
}

}  // namespace

Int8DepthwiseWeights pack_int8_depthwise(const void* filter, bool w_unsigned,
                                         const std::vector<int32_t>& w_zero, int64_t taps,
                                         int64_t c, const Int8Requant& q, WeightArena* arena) {
  Int8DepthwiseWeights w;
  w.c = c;
  w.taps = taps;
  w.c_pad = (c + kInt8DepthwiseBlock - 1) / kInt8DepthwiseBlock * kInt8DepthwiseBlock;
  w.data.resize((w.bytes() + 3) / 4, arena);  // zeros: padding and the other parity
  auto* dst = reinterpret_cast<int16_t*>(w.data.data());
  const auto* src = static_cast<const uint8_t*>(filter);
  for (int64_t t = 0; t < taps; ++t)
    for (int64_t ch = 0; ch < c; ++ch) {
      const uint8_t b = src[t * c + ch];
      const int32_t v = w_unsigned ? int32_t{b} : int32_t{static_cast<int8_t>(b)};
      dst[(t * 2 + ch % 2) * w.c_pad + ch] =
          static_cast<int16_t>(v - w_zero[static_cast<size_t>(ch)]);
    }
  w.even = q.pick(every_other(0, w.c_pad));
  w.odd = q.pick(every_other(1, w.c_pad));
  // The flat layout (stride-1 rows) for the dispatched target's width.
  const int64_t lanes = HWY_DYNAMIC_DISPATCH(Int8DepthwiseLanes)();
  const int64_t phases = lanes > 0 ? c / std::gcd(c, lanes) : 0;
  if (phases == 0 || phases > kInt8DepthwiseMaxPhases) return w;
  w.flat_lanes = lanes;
  w.phases = phases;
  w.flat.resize((static_cast<size_t>(phases * taps * 2 * lanes) * sizeof(int16_t) + 3) / 4, arena);
  auto* flat = reinterpret_cast<int16_t*>(w.flat.data());
  const auto half = static_cast<size_t>(lanes / 2);
  for (int64_t ph = 0; ph < phases; ++ph) {
    const int64_t offset = ph * lanes % c;
    std::vector<int64_t> even_channels(half), odd_channels(half);
    for (int64_t l = 0; l < lanes; ++l) {
      const int64_t ch = (offset + l) % c;
      (l % 2 ? odd_channels : even_channels)[static_cast<size_t>(l / 2)] = ch;
      for (int64_t t = 0; t < taps; ++t)
        flat[((ph * taps + t) * 2 + l % 2) * lanes + l] = dst[(t * 2 + ch % 2) * w.c_pad + ch];
    }
    w.flat_even.push_back(q.pick(even_channels));
    w.flat_odd.push_back(q.pick(odd_channels));
  }
  return w;
}

}  // namespace odin::cpu
#endif  // HWY_ONCE
