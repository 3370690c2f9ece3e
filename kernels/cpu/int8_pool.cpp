// int8/uint8 MAX_POOL_2D (int8_kernels.h): the largest byte of each window
// (clipped to the input), clamped to the fused activation's range, a
// vector of channels at a time.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "kernels/cpu/int8_pool.cpp"
#include <algorithm>
#include <cstring>
#include <limits>

#include "hwy/foreach_target.h"  // IWYU pragma: keep
#include "hwy/highway.h"
#include "kernels/cpu/int8_kernels.h"

HWY_BEFORE_NAMESPACE();
namespace odin::cpu {
namespace HWY_NAMESPACE {
namespace {
namespace hn = hwy::HWY_NAMESPACE;

// n (<= Lanes) elements at p; the other lanes hold `fill`, or (where a
// whole vector ends before `end`) whatever follows, which no store keeps.
template <class D>
HWY_INLINE hn::Vec<D> load_n(D d, const hn::TFromD<D>* p, size_t n, hn::Vec<D> fill,
                             const hn::TFromD<D>* end) {
  if (n == hn::Lanes(d) || p + hn::Lanes(d) <= end) return hn::LoadU(d, p);
  HWY_ALIGN hn::TFromD<D> buf[HWY_MAX_BYTES];
  hn::Store(fill, d, buf);
  std::memcpy(buf, p, n);
  return hn::Load(d, buf);
}

template <typename T>
HWY_INLINE void rows_of(const Int8MaxPoolParams& p, int64_t row_begin, int64_t row_end) {
  const hn::ScalableTag<T> d;
  const auto lanes = static_cast<int64_t>(hn::Lanes(d));
  const auto lo = hn::Set(d, static_cast<T>(p.lo)), hi = hn::Set(d, static_cast<T>(p.hi));
  const auto lowest = hn::Set(d, std::numeric_limits<T>::lowest());
  const T* in = static_cast<const T*>(p.in);
  const T* end = in + p.batch * p.in_h * p.in_w * p.c;
  T* out = static_cast<T*>(p.out);
  for (int64_t row = row_begin; row < row_end; ++row) {
    const int64_t n = row / p.out_h, oy = row % p.out_h;
    const int64_t y0 = oy * p.stride_h - p.pad_top;
    const int64_t fy0 = std::max<int64_t>(0, -y0), fy1 = std::min(p.k_h, p.in_h - y0);
    for (int64_t ox = 0; ox < p.out_w; ++ox) {
      const int64_t x0 = ox * p.stride_w - p.pad_left;
      const int64_t fx0 = std::max<int64_t>(0, -x0), fx1 = std::min(p.k_w, p.in_w - x0);
      T* dst = out + (row * p.out_w + ox) * p.c;
      for (int64_t c0 = 0; c0 < p.c; c0 += lanes) {
        const auto cn = static_cast<size_t>(std::min(lanes, p.c - c0));
        auto m = lowest;
        for (int64_t fy = fy0; fy < fy1; ++fy) {
          const T* src = in + ((n * p.in_h + y0 + fy) * p.in_w + x0) * p.c + c0;
          for (int64_t fx = fx0; fx < fx1; ++fx)
            m = hn::Max(m, load_n(d, src + fx * p.c, cn, lowest, end));
        }
        m = hn::Min(hn::Max(m, lo), hi);
        if (static_cast<int64_t>(cn) == lanes) {
          hn::StoreU(m, d, dst + c0);
        } else {
#if HWY_TARGET <= HWY_AVX3
          hn::BlendedStore(m, hn::FirstN(d, cn), d, dst + c0);  // touches no other byte
#else
          HWY_ALIGN T buf[HWY_MAX_BYTES];
          hn::Store(m, d, buf);
          std::memcpy(dst + c0, buf, cn);
#endif
        }
      }
    }
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
