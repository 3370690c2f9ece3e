// SOFTMAX over the last axis, float32: per row the max, then
// e = exp((x - max) * beta) with Highway's Exp (1 ulp, hwy/contrib/math)
// stored once and summed, then scaled by 1 / sum (the reference,
// kernels/reference/softmax.cpp, evaluates exp twice and divides). Each row
// is read before it is written, so y may alias x.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "kernels/cpu/softmax.cpp"
// Order matters: foreach_target first, then highway.h, then the per-target
// contrib header (clang-format would sort them).
// clang-format off
#include "hwy/foreach_target.h"  // IWYU pragma: keep
#include "hwy/highway.h"
#include "hwy/contrib/math/math-inl.h"
// clang-format on
#include <algorithm>

#include "kernels/cpu/cpu_kernels.h"
#include "kernels/cpu/simd-inl.h"

HWY_BEFORE_NAMESPACE();
namespace odin::cpu {
namespace HWY_NAMESPACE {

HWY_ATTR void SoftmaxRows(const float* x, float* y, int64_t rows, int64_t depth, float beta) {
  const DF d;
  const auto L = static_cast<int64_t>(hn::Lanes(d));
  const VF vbeta = hn::Set(d, beta);
  for (int64_t r = 0; r < rows; ++r) {
    const float* xr = x + r * depth;
    float* yr = y + r * depth;
    // The max: whole vectors, then the tail one by one (a partial load's
    // zero lanes could exceed a row of negatives).
    float max = xr[0];
    int64_t i = 0;
    if (depth >= L) {
      VF vmax = hn::LoadU(d, xr);
      for (i = L; i + L <= depth; i += L) vmax = hn::Max(vmax, hn::LoadU(d, xr + i));
      max = hn::GetLane(hn::MaxOfLanes(d, vmax));
    }
    for (; i < depth; ++i) max = std::max(max, xr[i]);
    const VF vmax = hn::Set(d, max);
    VF vsum = hn::Zero(d);
    for (i = 0; i + L <= depth; i += L) {
      const VF e = hn::Exp(d, hn::Mul(hn::Sub(hn::LoadU(d, xr + i), vmax), vbeta));
      hn::StoreU(e, d, yr + i);
      vsum = hn::Add(vsum, e);
    }
    float sum = hn::GetLane(hn::SumOfLanes(d, vsum));
    if (i < depth) {
      const auto m = static_cast<size_t>(depth - i);
      store_n(hn::Exp(d, hn::Mul(hn::Sub(load_n(d, xr + i, m), vmax), vbeta)), d, yr + i, m);
      for (; i < depth; ++i) sum += yr[i];
    }
    const VF inv = hn::Set(d, 1.0f / sum);
    for (i = 0; i + L <= depth; i += L) hn::StoreU(hn::Mul(hn::LoadU(d, yr + i), inv), d, yr + i);
    for (; i < depth; ++i) yr[i] *= 1.0f / sum;
  }
}

}  // namespace HWY_NAMESPACE
}  // namespace odin::cpu
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace odin::cpu {

HWY_EXPORT(SoftmaxRows);

void softmax_rows(const float* x, float* y, int64_t rows, int64_t depth, float beta) {
  HWY_DYNAMIC_DISPATCH(SoftmaxRows)(x, y, rows, depth, beta);
}

}  // namespace odin::cpu
#endif  // HWY_ONCE
