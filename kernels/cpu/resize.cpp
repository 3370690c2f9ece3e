// RESIZE_BILINEAR over NHWC, vectorised over channels. Source rows, columns
// and weights are computed once per op (ResizeParams) with the reference's
// exact coordinate arithmetic; per pixel this only blends four vectors.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "kernels/cpu/resize.cpp"
#include <algorithm>

#include "hwy/foreach_target.h"  // IWYU pragma: keep
#include "hwy/highway.h"
#include "kernels/cpu/cpu_kernels.h"
#include "kernels/cpu/simd-inl.h"

HWY_BEFORE_NAMESPACE();
namespace odin::cpu {
namespace HWY_NAMESPACE {

HWY_ATTR void ResizeBilinearRows(const ResizeParams& p, int64_t row_begin, int64_t row_end) {
  const DF d;
  const auto L = static_cast<int64_t>(hn::Lanes(d));
  const int64_t c = p.c;
  for (int64_t r = row_begin; r < row_end; ++r) {
    const int64_t b = r / p.out_h, oy = r % p.out_h;
    const float* img = p.in + b * p.in_h * p.in_w * c;
    const float* row_lo = img + p.y_lo[oy] * p.in_w * c;
    const float* row_hi = img + p.y_hi[oy] * p.in_w * c;
    const float wy = p.y_frac[oy];
    float* out_row = p.out + r * p.out_w * c;
    for (int64_t ox = 0; ox < p.out_w; ++ox) {
      const float wx = p.x_frac[ox];
      // The reference's four terms: (1-wy)(1-wx), wy(1-wx), (1-wy)wx, wy wx.
      const VF w00 = hn::Set(d, (1 - wy) * (1 - wx)), w10 = hn::Set(d, wy * (1 - wx));
      const VF w01 = hn::Set(d, (1 - wy) * wx), w11 = hn::Set(d, wy * wx);
      const float* a = row_lo + p.x_lo[ox] * c;
      const float* bb = row_hi + p.x_lo[ox] * c;
      const float* cc = row_lo + p.x_hi[ox] * c;
      const float* dd = row_hi + p.x_hi[ox] * c;
      for (int64_t c0 = 0; c0 < c; c0 += L) {
        const auto n = static_cast<size_t>(std::min(L, c - c0));
        VF acc = hn::Mul(load_upto(d, a + c0, n), w00);
        acc = hn::MulAdd(load_upto(d, bb + c0, n), w10, acc);
        acc = hn::MulAdd(load_upto(d, cc + c0, n), w01, acc);
        acc = hn::MulAdd(load_upto(d, dd + c0, n), w11, acc);
        store_upto(acc, d, out_row + ox * c + c0, n);
      }
    }
  }
}

}  // namespace HWY_NAMESPACE
}  // namespace odin::cpu
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace odin::cpu {

HWY_EXPORT(ResizeBilinearRows);

void resize_bilinear_rows(const ResizeParams& p, int64_t row_begin, int64_t row_end) {
  HWY_DYNAMIC_DISPATCH(ResizeBilinearRows)(p, row_begin, row_end);
}

}  // namespace odin::cpu
#endif  // HWY_ONCE
