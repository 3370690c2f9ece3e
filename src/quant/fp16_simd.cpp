// float16 <-> float32 for whole rows (the fold of MediaPipe's fp16 weights
// at session creation, an LLM's fp16 KV cache), dispatched at run time with
// Highway. float16 -> float32 is exact (every binary16 value is a binary32
// value; on x86 F16C's vcvtph2ps); float32 -> float16 rounds to nearest even
// (vcvtps2ph), as fp32_to_fp16 does.
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

HWY_ATTR void F32ToF16(const float* src, uint8_t* dst, size_t n) {
  const hn::ScalableTag<float> df;
  const hn::Rebind<hwy::float16_t, decltype(df)> dh;
  const size_t L = hn::Lanes(df);
  size_t i = 0;
  auto* h = reinterpret_cast<hwy::float16_t*>(dst);
  for (; i + L <= n; i += L) hn::StoreU(hn::DemoteTo(dh, hn::LoadU(df, src + i)), dh, h + i);
  for (; i < n; ++i) {
    const uint16_t bits = fp32_to_fp16(src[i]);
    std::memcpy(dst + 2 * i, &bits, 2);
  }
}

}  // namespace HWY_NAMESPACE
}  // namespace odin
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace odin {

HWY_EXPORT(F16ToF32);
HWY_EXPORT(F32ToF16);

void fp32_to_fp16(const float* src, uint8_t* dst, size_t n) {
  HWY_DYNAMIC_DISPATCH(F32ToF16)(src, dst, n);
}

void fp16_to_fp32(const uint8_t* src, float* dst, size_t n) {
  HWY_DYNAMIC_DISPATCH(F16ToF32)(src, dst, n);
}

}  // namespace odin
#endif  // HWY_ONCE
