// int8/uint8 RESIZE_BILINEAR (int8_kernels.h): per output pixel four int32
// weights, vectorised over channels.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "kernels/cpu/int8_resize.cpp"
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

// n (<= lanes) values at p as int32 lanes (the rest 0).
template <typename T>
HWY_INLINE VI32 load_wide(const T* p, size_t n, size_t lanes) {
  const DI32 d;
  const hn::Rebind<T, DI32> d8;
  if (n == lanes) return hn::PromoteTo(d, hn::LoadU(d8, p));
  HWY_ALIGN T buf[HWY_MAX_BYTES / 4] = {};
  std::memcpy(buf, p, n * sizeof(T));
  return hn::PromoteTo(d, hn::Load(d8, buf));
}

template <typename T>
HWY_INLINE void rows_of(const Int8ResizeParams& p, int64_t row_begin, int64_t row_end) {
  const DI32 d;
  const size_t lanes = hn::Lanes(d);
  const auto* in = static_cast<const T*>(p.in);
  auto* out = static_cast<uint8_t*>(p.out);
  const VI32 half = hn::Set(d, 1 << 19);
  for (int64_t row = row_begin; row < row_end; ++row) {
    const int64_t n = row / p.out_h, oy = row % p.out_h;
    const int32_t dy = p.y_frac[oy];
    const T* top = in + (n * p.in_h + p.y_lo[oy]) * p.in_w * p.c;
    const T* bottom = in + (n * p.in_h + p.y_hi[oy]) * p.in_w * p.c;
    for (int64_t ox = 0; ox < p.out_w; ++ox) {
      const int32_t dx = p.x_frac[ox];
      const VI32 w_tl = hn::Set(d, (1024 - dy) * (1024 - dx)), w_bl = hn::Set(d, dy * (1024 - dx));
      const VI32 w_tr = hn::Set(d, (1024 - dy) * dx), w_br = hn::Set(d, dy * dx);
      const int64_t lo = p.x_lo[ox] * p.c, hi = p.x_hi[ox] * p.c;
      uint8_t* dst = out + (row * p.out_w + ox) * p.c;
      for (int64_t k = 0; k < p.c; k += static_cast<int64_t>(lanes)) {
        const auto cn =
            static_cast<size_t>(std::min<int64_t>(static_cast<int64_t>(lanes), p.c - k));
        VI32 v = hn::Mul(load_wide(top + lo + k, cn, lanes), w_tl);
        v = hn::Add(v, hn::Mul(load_wide(bottom + lo + k, cn, lanes), w_bl));
        v = hn::Add(v, hn::Mul(load_wide(top + hi + k, cn, lanes), w_tr));
        v = hn::Add(v, hn::Mul(load_wide(bottom + hi + k, cn, lanes), w_br));
        // (v +- 2^19) / 2^20 toward zero: the magnitude rounded, signed.
        const VI32 q = hn::ShiftRight<20>(hn::Add(hn::Abs(v), half));
        const VI32 r = hn::IfThenElse(hn::Lt(v, hn::Zero(d)), hn::Neg(q), q);
        store_bytes(r, p.is_unsigned, dst + k, cn);
      }
    }
  }
}

}  // namespace

HWY_ATTR void Int8ResizeBilinearRows(const Int8ResizeParams& p, int64_t row_begin,
                                     int64_t row_end) {
  with_byte_type(p.is_unsigned, [&](auto t) { rows_of<decltype(t)>(p, row_begin, row_end); });
}

}  // namespace HWY_NAMESPACE
}  // namespace odin::cpu
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace odin::cpu {

HWY_EXPORT(Int8ResizeBilinearRows);

void int8_resize_bilinear_rows(const Int8ResizeParams& p, int64_t row_begin, int64_t row_end) {
  HWY_DYNAMIC_DISPATCH(Int8ResizeBilinearRows)(p, row_begin, row_end);
}

}  // namespace odin::cpu
#endif  // HWY_ONCE
