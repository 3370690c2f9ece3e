// float16 -> float32 for whole weight tensors (the fold of MediaPipe's fp16
// weights at session creation), dispatched at run time with Highway. Exact:
// every binary16 value is a binary32 value; on x86 this is F16C's vcvtph2ps.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "quant/fp16_simd.cpp"
#include <cstring>

#include "hwy/foreach_target.h"  // IWYU pragma: keep
#include "hwy/highway.h"
#include "quant/fp16.h"

HWY_BEFORE_NAMESPACE();
namespace odin {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

HWY_ATTR void F16ToF32(const uint8_t* src, float* dst, size_t n) {
  const hn::ScalableTag<float> df;
  const hn::Rebind<hwy::float16_t, decltype(df)> dh;
  const size_t L = hn::Lanes(df);
  size_t i = 0;
  // src may be unaligned (constants sit anywhere in the model file).
  const auto* h = reinterpret_cast<const hwy::float16_t*>(src);
  for (; i + L <= n; i += L) hn::StoreU(hn::PromoteTo(df, hn::LoadU(dh, h + i)), df, dst + i);
  for (; i < n; ++i) {
    uint16_t bits;
    std::memcpy(&bits, src + 2 * i, 2);
    dst[i] = fp16_to_fp32(bits);
  }
}

}  // namespace HWY_NAMESPACE
}  // namespace odin
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace odin {

HWY_EXPORT(F16ToF32);

void fp16_to_fp32(const uint8_t* src, float* dst, size_t n) {
  HWY_DYNAMIC_DISPATCH(F16ToF32)(src, dst, n);
}

}  // namespace odin
#endif  // HWY_ONCE
