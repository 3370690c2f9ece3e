// MAX_POOL_2D / AVERAGE_POOL_2D over NHWC, vectorised over channels. The
// window is clipped to the input per output pixel (outside the channel
// loop), so padding never enters a max and averages divide by the number
// of in-bounds pixels, as TFLite does.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "kernels/cpu/pool.cpp"
#include <algorithm>

#include "hwy/foreach_target.h"  // IWYU pragma: keep
#include "hwy/highway.h"
#include "kernels/cpu/cpu_kernels.h"
#include "kernels/cpu/simd-inl.h"

HWY_BEFORE_NAMESPACE();
namespace odin::cpu {
namespace HWY_NAMESPACE {

HWY_ATTR void PoolRows(const PoolParams& p, int64_t row_begin, int64_t row_end) {
  const DF d;
  const auto L = static_cast<int64_t>(hn::Lanes(d));
  const VF lo = hn::Set(d, p.clamp.lo), hi = hn::Set(d, p.clamp.hi);
  for (int64_t r = row_begin; r < row_end; ++r) {
    const int64_t b = r / p.out_h, oy = r % p.out_h;
    const float* img = p.in + b * p.in_h * p.in_w * p.c;
    float* out_row = p.out + r * p.out_w * p.c;
    const int64_t y0 = oy * p.stride_h - p.pad_top;
    const int64_t fy0 = std::max<int64_t>(0, -y0), fy1 = std::min(p.k_h, p.in_h - y0);
    for (int64_t ox = 0; ox < p.out_w; ++ox) {
      const int64_t x0 = ox * p.stride_w - p.pad_left;
      const int64_t fx0 = std::max<int64_t>(0, -x0), fx1 = std::min(p.k_w, p.in_w - x0);
      const int64_t count = std::max<int64_t>(0, fy1 - fy0) * std::max<int64_t>(0, fx1 - fx0);
      const VF scale = hn::Set(d, 1.0f / static_cast<float>(std::max<int64_t>(count, 1)));
      for (int64_t c0 = 0; c0 < p.c; c0 += L) {
        const auto n = static_cast<size_t>(std::min(L, p.c - c0));
        VF acc = p.average ? hn::Zero(d) : hn::Set(d, -std::numeric_limits<float>::max());
        for (int64_t fy = fy0; fy < fy1; ++fy) {
          const float* src = img + ((y0 + fy) * p.in_w + x0) * p.c + c0;
          for (int64_t fx = fx0; fx < fx1; ++fx) {
            const VF v = load_upto(d, src + fx * p.c, n);
            acc = p.average ? hn::Add(acc, v) : hn::Max(acc, v);
          }
        }
        // TFLite divides the sum by the count; multiplying by 1/count can
        // differ in the last bit, well inside the tolerance.
        if (p.average) acc = hn::Mul(acc, scale);
        store_upto(hn::Min(hn::Max(acc, lo), hi), d, out_row + ox * p.c + c0, n);
      }
    }
  }
}

}  // namespace HWY_NAMESPACE
}  // namespace odin::cpu
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace odin::cpu {

HWY_EXPORT(PoolRows);

void pool_rows(const PoolParams& p, int64_t row_begin, int64_t row_end) {
  HWY_DYNAMIC_DISPATCH(PoolRows)(p, row_begin, row_end);
}

}  // namespace odin::cpu
#endif  // HWY_ONCE
