// int8/uint8 depthwise convolution (multiplier 1; int8_kernels.h), per
// output pixel and block of 2 x Lanes channels: the taps inside the input
// (padding adds nothing: its value is the zero point) as int16 x - zx,
// multiplied pairwise with the even and the odd channels' weights into two
// int32 sums, requantized, interleaved back into channel order.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "kernels/cpu/int8_depthwise.cpp"
#include <algorithm>
#include <cstring>

#include "hwy/foreach_target.h"  // IWYU pragma: keep
#include "hwy/highway.h"
#include "kernels/cpu/int8_kernels.h"
#include "kernels/cpu/int8_requant-inl.h"

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
#else
using DI16 = hn::Repartition<int16_t, DI32>;

// 2 x Lanes channels at p as int16 minus the zero point. A block past the
// last channel (n < all) still loads whole where it ends before `end`:
// the extra lanes meet zero weights; else through a buffer.
template <typename T>
HWY_INLINE hn::Vec<DI16> load_centered(const T* p, size_t n, const T* end, hn::Vec<DI16> zero) {
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

// The even and odd channels' sums of channels [c0, c0 + n) of one pixel
// over the taps [ky0, ky1) x [kx0, kx1).
template <typename T>
HWY_INLINE void block_sums(const Int8DepthwiseParams& p, const T* img, int64_t iy0, int64_t ix0,
                           int64_t ky0, int64_t ky1, int64_t kx0, int64_t kx1, int64_t c0, size_t n,
                           hn::Vec<DI16> zero, VI32* even_sum, VI32* odd_sum) {
  const DI32 d;
  const DI16 d16;
  const Int8DepthwiseWeights& w = *p.w;
  const T* end = static_cast<const T*>(p.in) + p.batch * p.in_h * p.in_w * p.c;
  // Two taps at a time into two sets of sums: four independent chains
  // hide the multiply-add latency.
  VI32 e0 = hn::Zero(d), e1 = e0, o0 = e0, o1 = e0, e2 = e0, e3 = e0, o2 = e0, o3 = e0;
  for (int64_t ky = ky0; ky < ky1; ++ky) {
    const T* row = img + ((iy0 + ky * p.dilation_h) * p.in_w + ix0) * p.c + c0;
    const int16_t* wt = w.weights() + ky * p.k_w * 2 * w.c_pad + c0;
    int64_t kx = kx0;
    for (; kx + 1 < kx1; kx += 2) {
      const auto x = load_centered(row + kx * p.dilation_w * p.c, n, end, zero);
      const auto x2 = load_centered(row + (kx + 1) * p.dilation_w * p.c, n, end, zero);
      const int16_t* wk = wt + kx * 2 * w.c_pad;
      e0 = hn::ReorderWidenMulAccumulate(d, x, hn::Load(d16, wk), e0, e1);
      o0 = hn::ReorderWidenMulAccumulate(d, x, hn::Load(d16, wk + w.c_pad), o0, o1);
      e2 = hn::ReorderWidenMulAccumulate(d, x2, hn::Load(d16, wk + 2 * w.c_pad), e2, e3);
      o2 = hn::ReorderWidenMulAccumulate(d, x2, hn::Load(d16, wk + 3 * w.c_pad), o2, o3);
    }
    if (kx < kx1) {
      const auto x = load_centered(row + kx * p.dilation_w * p.c, n, end, zero);
      const int16_t* wk = wt + kx * 2 * w.c_pad;
      e0 = hn::ReorderWidenMulAccumulate(d, x, hn::Load(d16, wk), e0, e1);
      o0 = hn::ReorderWidenMulAccumulate(d, x, hn::Load(d16, wk + w.c_pad), o0, o1);
    }
  }
  *even_sum = hn::Add(hn::RearrangeToOddPlusEven(e0, e1), hn::RearrangeToOddPlusEven(e2, e3));
  *odd_sum = hn::Add(hn::RearrangeToOddPlusEven(o0, o1), hn::RearrangeToOddPlusEven(o2, o3));
}

// One output row (filter rows [ky0, ky1) inside the input), block of
// channels by block (the block's tables loaded once).
template <typename T>
HWY_INLINE void output_row(const Int8DepthwiseParams& p, const T* img, int64_t iy0, int64_t ky0,
                           int64_t ky1, uint8_t* dst) {
  const DI16 d16;
  const auto step = static_cast<int64_t>(hn::Lanes(d16));
  const auto zero = hn::Set(d16, static_cast<int16_t>(p.in_zero));
  const Int8DepthwiseWeights& w = *p.w;
  for (int64_t c0 = 0; c0 < p.c; c0 += step) {
    const auto n = static_cast<size_t>(std::min(step, p.c - c0));
    const RequantLanes even_tables(w.even, c0 / 2), odd_tables(w.odd, c0 / 2);
    for (int64_t ox = 0; ox < p.out_w; ++ox) {
      const int64_t ix0 = ox * p.stride_w - p.pad_left;
      int64_t kx0, kx1;
      clip_taps(ix0, p.k_w, p.dilation_w, p.in_w, &kx0, &kx1);
      VI32 even, odd;
      block_sums(p, img, iy0, ix0, ky0, ky1, kx0, kx1, c0, n, zero, &even, &odd);
      store_interleaved(requantize(even, even_tables), requantize(odd, odd_tables),
                        w.even.out_unsigned, dst + ox * p.c + c0, n);
    }
  }
}
#endif

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

}  // namespace

HWY_ATTR void Int8DepthwiseRows(const Int8DepthwiseParams& p, int64_t row_begin, int64_t row_end) {
  if (p.in_unsigned)
    rows_of<uint8_t>(p, row_begin, row_end);
  else
    rows_of<int8_t>(p, row_begin, row_end);
}

}  // namespace HWY_NAMESPACE
}  // namespace odin::cpu
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace odin::cpu {

HWY_EXPORT(Int8DepthwiseRows);

void int8_depthwise_rows(const Int8DepthwiseParams& p, int64_t row_begin, int64_t row_end) {
  HWY_DYNAMIC_DISPATCH(Int8DepthwiseRows)(p, row_begin, row_end);
}

namespace {

// The tables of channels parity, parity + 2, ... of q (padded to panels).
Int8Requant every_other(const Int8Requant& q, int64_t parity, int64_t c_pad) {
  Int8Requant h = q;
  const auto n = static_cast<size_t>(c_pad / 2);
  for (std::vector<int32_t>* t : {&h.bias, &h.multiplier, &h.left, &h.right}) {
    std::vector<int32_t> picked(n, 0);
    for (size_t i = 0; i < n && 2 * i + static_cast<size_t>(parity) < t->size(); ++i)
      picked[i] = (*t)[2 * i + static_cast<size_t>(parity)];
    *t = std::move(picked);
  }
  return h;
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
  w.even = every_other(q, 0, w.c_pad);
  w.odd = every_other(q, 1, w.c_pad);
  return w;
}

}  // namespace odin::cpu
#endif  // HWY_ONCE
