// MAX_POOL_2D / AVERAGE_POOL_2D over NHWC in two passes per output row, for
// float32 and int8/uint8 alike (pool.cpp, int8_pool.cpp): the window's rows
// folded into one row by whole vectors (contiguous elements, every channel
// of every column at once), then each output pixel's columns of that row,
// in vectors as wide as its channels (a 16-channel int8 pixel is one
// 16-byte vector, not a masked part of a 64-byte one: these layers have few
// channels and many pixels). Windows are clipped to the input, so padding
// never enters a max and averages divide by the in-bounds count (TFLite).
// Compiled once per Highway target (the include guard flips with
// HWY_TARGET_TOGGLE).
#if defined(ODIN_KERNELS_CPU_POOL2D_INL_H_) == defined(HWY_TARGET_TOGGLE)
#ifdef ODIN_KERNELS_CPU_POOL2D_INL_H_
#undef ODIN_KERNELS_CPU_POOL2D_INL_H_
#else
#define ODIN_KERNELS_CPU_POOL2D_INL_H_
#endif

#include <algorithm>
#include <cstring>
#include <vector>

#include "hwy/highway.h"
#include "kernels/cpu/cpu_kernels.h"

HWY_BEFORE_NAMESPACE();
namespace odin::cpu {
namespace HWY_NAMESPACE {
namespace pool2d {
namespace hn = hwy::HWY_NAMESPACE;

// One pooling layer's arguments, whatever the element type.
template <typename T>
struct Layer {
  const WindowGeometry& g;
  const T* in;
  T* out;
  T lo, hi;  // the fused activation's range
  bool average;
};

template <class D>
HWY_INLINE hn::Vec<D> combine(D, hn::Vec<D> a, hn::Vec<D> b, bool average) {
  return average ? hn::Add(a, b) : hn::Max(a, b);
}

// dst[i] = a[i] combined with b[i] for i in [0, n) (dst may be a).
template <typename T>
HWY_INLINE void combine_rows(const T* a, const T* b, int64_t n, T* dst, bool average) {
  const hn::ScalableTag<T> d;
  const auto lanes = static_cast<int64_t>(hn::Lanes(d));
  int64_t i = 0;
  for (; i + lanes <= n; i += lanes)
    hn::StoreU(combine(d, hn::LoadU(d, a + i), hn::LoadU(d, b + i), average), d, dst + i);
  for (; i < n; ++i)  // the last partial vector
    dst[i] = average ? static_cast<T>(a[i] + b[i]) : std::max(a[i], b[i]);
}

// Stores the first n (<= Lanes) lanes of v, touching no element past them.
template <class D>
HWY_INLINE void store_first(D d, hn::Vec<D> v, hn::TFromD<D>* dst, size_t n) {
  if (n == hn::Lanes(d)) return hn::StoreU(v, d, dst);
#if HWY_TARGET <= HWY_AVX3
  hn::BlendedStore(v, hn::FirstN(d, n), d, dst);
#else
  HWY_ALIGN hn::TFromD<D> buf[HWY_MAX_BYTES / sizeof(hn::TFromD<D>)];
  hn::Store(v, d, buf);
  std::memcpy(dst, buf, n * sizeof(hn::TFromD<D>));
#endif
}

// One output row from the folded row (readable a whole vector past its
// end); rows: the window rows folded into it.
template <class D>
HWY_INLINE void pool_columns(D d, const Layer<hn::TFromD<D>>& l, const hn::TFromD<D>* row,
                             int64_t rows, hn::TFromD<D>* dst) {
  using T = hn::TFromD<D>;
  const WindowGeometry& g = l.g;
  const auto lanes = static_cast<int64_t>(hn::Lanes(d));
  const auto lo = hn::Set(d, l.lo), hi = hn::Set(d, l.hi);
  for (int64_t ox = 0; ox < g.out_w; ++ox, dst += g.c) {
    const int64_t x0 = ox * g.stride_w - g.pad_left;
    const int64_t fx0 = std::max<int64_t>(0, -x0), fx1 = std::min(g.k_w, g.in_w - x0);
    const T* src = row + (x0 + fx0) * g.c;
    for (int64_t c0 = 0; c0 < g.c; c0 += lanes) {
      auto m = hn::LoadU(d, src + c0);
      for (int64_t fx = 1; fx < fx1 - fx0; ++fx)
        m = combine(d, m, hn::LoadU(d, src + fx * g.c + c0), l.average);
      if constexpr (hwy::IsFloat<T>()) {
        // TFLite divides the sum by the count; multiplying by 1/count can
        // differ in the last bit, well inside the tolerance.
        if (l.average) m = hn::Mul(m, hn::Set(d, 1.0f / static_cast<float>(rows * (fx1 - fx0))));
      }
      store_first(d, hn::Min(hn::Max(m, lo), hi), dst + c0,
                  static_cast<size_t>(std::min(lanes, g.c - c0)));
    }
  }
}

// Output rows [row_begin, row_end) of batch * out_h; no window is empty.
template <typename T>
HWY_INLINE void pool_rows(const Layer<T>& l, int64_t row_begin, int64_t row_end) {
  const WindowGeometry& g = l.g;
  const hn::ScalableTag<T> d;
  const int64_t width = g.in_w * g.c;
  // The window's rows folded into one, with a vector of slack: the second
  // pass loads whole vectors past a row's last channel.
  thread_local std::vector<T> folded;
  folded.resize(static_cast<size_t>(width) + hn::Lanes(d));
  for (int64_t row = row_begin; row < row_end; ++row) {
    const int64_t n = row / g.out_h, oy = row % g.out_h;
    const int64_t y0 = oy * g.stride_h - g.pad_top;
    const int64_t fy0 = std::max<int64_t>(0, -y0), fy1 = std::min(g.k_h, g.in_h - y0);
    const T* first = l.in + (n * g.in_h + y0 + fy0) * width;
    if (fy1 - fy0 == 1)
      std::memcpy(folded.data(), first, static_cast<size_t>(width) * sizeof(T));
    else
      combine_rows(first, first + width, width, folded.data(), l.average);
    for (int64_t fy = 2; fy < fy1 - fy0; ++fy)
      combine_rows(folded.data(), first + fy * width, width, folded.data(), l.average);
    T* dst = l.out + row * g.out_w * g.c;
    const int64_t bytes = g.c * static_cast<int64_t>(sizeof(T));
    if (bytes <= 16)
      pool_columns(hn::CappedTag<T, 16 / sizeof(T)>(), l, folded.data(), fy1 - fy0, dst);
    else if (bytes <= 32)
      pool_columns(hn::CappedTag<T, 32 / sizeof(T)>(), l, folded.data(), fy1 - fy0, dst);
    else
      pool_columns(d, l, folded.data(), fy1 - fy0, dst);
  }
}

}  // namespace pool2d
}  // namespace HWY_NAMESPACE
}  // namespace odin::cpu
HWY_AFTER_NAMESPACE();

#endif  // include guard
