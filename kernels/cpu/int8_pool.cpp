// int8/uint8 MAX_POOL_2D (int8_kernels.h): the largest byte of each window
// (clipped to the input), clamped to the fused activation's range, in the
// two passes of pool2d-inl.h.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "kernels/cpu/int8_pool.cpp"
#include "hwy/foreach_target.h"  // IWYU pragma: keep
#include "hwy/highway.h"
#include "kernels/cpu/int8_kernels.h"
#include "kernels/cpu/int8_requant-inl.h"
#include "kernels/cpu/pool2d-inl.h"

HWY_BEFORE_NAMESPACE();
namespace odin::cpu {
namespace HWY_NAMESPACE {
namespace {

template <typename T>
HWY_INLINE void rows_of(const Int8MaxPoolParams& p, int64_t row_begin, int64_t row_end) {
  const pool2d::Layer<T> l{p,
                           static_cast<const T*>(p.in),
                           static_cast<T*>(p.out),
                           static_cast<T>(p.lo),
                           static_cast<T>(p.hi),
                           false};
  pool2d::pool_rows(l, row_begin, row_end);
}

}  // namespace

HWY_ATTR void Int8MaxPoolRows(const Int8MaxPoolParams& p, int64_t row_begin, int64_t row_end) {
  with_byte_type(p.is_unsigned, [&](auto t) { rows_of<decltype(t)>(p, row_begin, row_end); });
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
