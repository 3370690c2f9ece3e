// int8/uint8 MAX_POOL_2D (int8_kernels.h): the largest byte of each window
// (clipped to the input), clamped to the fused activation's range. Two
// passes per output row: the window's rows folded into one row by whole
// vectors (contiguous bytes, every channel of every column at once), then
// each output pixel's columns of that row, in vectors as wide as the
// channels (a 16-channel pixel is one 16-byte vector, not a masked part of
// a 64-byte one: these layers have few channels and many pixels).
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "kernels/cpu/int8_pool.cpp"
#include <algorithm>
#include <cstring>
#include <limits>
#include <vector>

#include "hwy/foreach_target.h"  // IWYU pragma: keep
#include "hwy/highway.h"
#include "kernels/cpu/int8_kernels.h"

HWY_BEFORE_NAMESPACE();
namespace odin::cpu {
namespace HWY_NAMESPACE {
namespace {
namespace hn = hwy::HWY_NAMESPACE;

// Stores the first n (<= Lanes) lanes of v, touching no byte past them.
template <class D>
HWY_INLINE void store_n(D d, hn::Vec<D> v, hn::TFromD<D>* dst, size_t n) {
  if (n == hn::Lanes(d)) return hn::StoreU(v, d, dst);
#if HWY_TARGET <= HWY_AVX3
  hn::BlendedStore(v, hn::FirstN(d, n), d, dst);
#else
  HWY_ALIGN hn::TFromD<D> buf[HWY_MAX_BYTES];
  hn::Store(v, d, buf);
  std::memcpy(dst, buf, n * sizeof(hn::TFromD<D>));
#endif
}

// dst[i] = max(a[i], b[i]) for i in [0, n) (dst may be a).
template <typename T>
HWY_INLINE void max_of_rows(const T* a, const T* b, int64_t n, T* dst) {
  const hn::ScalableTag<T> d;
  const auto lanes = static_cast<int64_t>(hn::Lanes(d));
  int64_t i = 0;
  for (; i + lanes <= n; i += lanes)
    hn::StoreU(hn::Max(hn::LoadU(d, a + i), hn::LoadU(d, b + i)), d, dst + i);
  for (; i < n; ++i) dst[i] = std::max(a[i], b[i]);  // the last partial vector
}

// One output row from the folded row (readable a whole vector past its end).
template <class D>
HWY_INLINE void pool_columns(D d, const Int8MaxPoolParams& p, const hn::TFromD<D>* row,
                             hn::TFromD<D>* dst) {
  using T = hn::TFromD<D>;
  const auto lanes = static_cast<int64_t>(hn::Lanes(d));
  const auto lo = hn::Set(d, static_cast<T>(p.lo)), hi = hn::Set(d, static_cast<T>(p.hi));
  for (int64_t ox = 0; ox < p.out_w; ++ox, dst += p.c) {
    const int64_t x0 = ox * p.stride_w - p.pad_left;
    const int64_t fx0 = std::max<int64_t>(0, -x0), fx1 = std::min(p.k_w, p.in_w - x0);
    const T* src = row + (x0 + fx0) * p.c;
    for (int64_t c0 = 0; c0 < p.c; c0 += lanes) {
      auto m = hn::LoadU(d, src + c0);
      for (int64_t fx = fx0 + 1; fx < fx1; ++fx)
        m = hn::Max(m, hn::LoadU(d, src + (fx - fx0) * p.c + c0));
      store_n(d, hn::Min(hn::Max(m, lo), hi), dst + c0,
              static_cast<size_t>(std::min(lanes, p.c - c0)));
    }
  }
}

template <typename T>
HWY_INLINE void rows_of(const Int8MaxPoolParams& p, int64_t row_begin, int64_t row_end) {
  const hn::ScalableTag<T> d;
  const auto slack = static_cast<int64_t>(hn::Lanes(d));
  const int64_t width = p.in_w * p.c;
  // The window's rows folded into one, with a vector of slack: the second
  // pass loads whole vectors past a row's last channel.
  thread_local std::vector<T> folded;
  folded.resize(static_cast<size_t>(width + slack));
  const T* in = static_cast<const T*>(p.in);
  T* out = static_cast<T*>(p.out);
  for (int64_t row = row_begin; row < row_end; ++row) {
    const int64_t n = row / p.out_h, oy = row % p.out_h;
    const int64_t y0 = oy * p.stride_h - p.pad_top;
    const int64_t fy0 = std::max<int64_t>(0, -y0), fy1 = std::min(p.k_h, p.in_h - y0);
    const T* first = in + (n * p.in_h + y0 + fy0) * width;
    if (fy1 - fy0 == 1)
      std::memcpy(folded.data(), first, static_cast<size_t>(width) * sizeof(T));
    else
      max_of_rows(first, first + width, width, folded.data());
    for (int64_t fy = fy0 + 2; fy < fy1; ++fy)
      max_of_rows(folded.data(), first + (fy - fy0) * width, width, folded.data());
    T* dst = out + row * p.out_w * p.c;
    if (p.c <= 16)
      pool_columns(hn::CappedTag<T, 16>(), p, folded.data(), dst);
    else if (p.c <= 32)
      pool_columns(hn::CappedTag<T, 32>(), p, folded.data(), dst);
    else
      pool_columns(d, p, folded.data(), dst);
  }
}

}  // namespace

HWY_ATTR void Int8MaxPoolRows(const Int8MaxPoolParams& p, int64_t row_begin, int64_t row_end) {
  if (p.is_unsigned)
    rows_of<uint8_t>(p, row_begin, row_end);
  else
    rows_of<int8_t>(p, row_begin, row_end);
}

}  // namespace HWY_NAMESPACE
}  // namespace odin::cpu
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace odin::cpu {

HWY_EXPORT(Int8MaxPoolRows);

void int8_max_pool_rows(const Int8MaxPoolParams& p, int64_t row_begin, int64_t row_end) {
  HWY_DYNAMIC_DISPATCH(Int8MaxPoolRows)(p, row_begin, row_end);
}

}  // namespace odin::cpu
#endif  // HWY_ONCE
