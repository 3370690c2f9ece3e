// float32 MAX_POOL_2D / AVERAGE_POOL_2D over NHWC, in the two passes of
// pool2d-inl.h.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "kernels/cpu/pool.cpp"
#include "hwy/foreach_target.h"  // IWYU pragma: keep
#include "hwy/highway.h"
#include "kernels/cpu/cpu_kernels.h"
#include "kernels/cpu/pool2d-inl.h"

HWY_BEFORE_NAMESPACE();
namespace odin::cpu {
namespace HWY_NAMESPACE {

HWY_ATTR void PoolRows(const PoolParams& p, int64_t row_begin, int64_t row_end) {
  const pool2d::Layer<float> l{p, p.in, p.out, p.clamp.lo, p.clamp.hi, p.average};
  pool2d::pool_rows(l, row_begin, row_end);
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
