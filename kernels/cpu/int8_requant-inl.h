// TFLite's requantization (quant/affine.h multiply_by_quantized_multiplier)
// on int32 vectors, bit for bit, compiled once per Highway target (the
// include guard flips with HWY_TARGET_TOGGLE). The doubling high product
// rounds to nearest with ties up for both signs, (x * m + 2^30) >> 31:
// TFLite's nudge of 1 - 2^30 for negative products followed by division
// toward zero is the same number. The multiplier is never INT32_MIN, so
// the one saturating case cannot occur.
#if defined(ODIN_KERNELS_CPU_INT8_REQUANT_INL_H_) == defined(HWY_TARGET_TOGGLE)
#ifdef ODIN_KERNELS_CPU_INT8_REQUANT_INL_H_
#undef ODIN_KERNELS_CPU_INT8_REQUANT_INL_H_
#else
#define ODIN_KERNELS_CPU_INT8_REQUANT_INL_H_
#endif

#include <cstring>

#include "hwy/highway.h"
#include "kernels/cpu/int8_kernels.h"

HWY_BEFORE_NAMESPACE();
namespace odin::cpu {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

using DI32 = hn::ScalableTag<int32_t>;
using VI32 = hn::Vec<DI32>;

#if HWY_TARGET == HWY_SCALAR
// One lane: quant/affine.h's own function.
HWY_INLINE VI32 multiply_by_multiplier(VI32 x, VI32 m, VI32 left, VI32 right) {
  const FixedPointMultiplier fm{hn::GetLane(m), hn::GetLane(left) - hn::GetLane(right)};
  return hn::Set(DI32(), multiply_by_quantized_multiplier(hn::GetLane(x), fm));
}
#else
// round(x * m / 2^31), ties up, per lane.
HWY_INLINE VI32 doubling_high_mul(VI32 x, VI32 m) {
  const DI32 d;
  const hn::RepartitionToWide<DI32> d64;
  const hn::RepartitionToWide<hn::RebindToUnsigned<DI32> > du64;
  const auto half = hn::Set(d64, int64_t{1} << 30);
  // Odd lanes moved down to the even positions MulEven reads.
  const VI32 x_odd = hn::BitCast(d, hn::ShiftRight<32>(hn::BitCast(du64, x)));
  const VI32 m_odd = hn::BitCast(d, hn::ShiftRight<32>(hn::BitCast(du64, m)));
  const auto even = hn::BitCast(du64, hn::Add(hn::MulEven(x, m), half));
  const auto odd = hn::BitCast(du64, hn::Add(hn::MulEven(x_odd, m_odd), half));
  // Bits 31..62 of each product: low half of even >> 31, high half of odd << 1.
  return hn::OddEven(hn::BitCast(d, hn::ShiftLeft<1>(odd)),
                     hn::BitCast(d, hn::ShiftRight<31>(even)));
}

// x / 2^e rounded to nearest, ties away from zero (e >= 0 per lane).
HWY_INLINE VI32 rounding_shift_right(VI32 x, VI32 e) {
  const DI32 d;
  const VI32 mask = hn::Sub(hn::Shl(hn::Set(d, 1), e), hn::Set(d, 1));
  const VI32 remainder = hn::And(x, mask);
  // (mask >> 1) + (x < 0): the arithmetic shift of x by 31 is -1 or 0.
  const VI32 threshold = hn::Sub(hn::ShiftRight<1>(mask), hn::ShiftRight<31>(x));
  return hn::Sub(hn::Shr(x, e), hn::VecFromMask(d, hn::Gt(remainder, threshold)));
}

// multiply_by_quantized_multiplier per lane: multiplier m, shift left - right.
HWY_INLINE VI32 multiply_by_multiplier(VI32 x, VI32 m, VI32 left, VI32 right) {
  return rounding_shift_right(doubling_high_mul(hn::Shl(x, left), m), right);
}
#endif

// One vector's worth (channels [c, c + Lanes)) of the requantization
// tables, loaded once for every row a kernel stores.
struct RequantLanes {
  VI32 bias, multiplier, left, right, zero, lo, hi;
  RequantLanes() = default;
  HWY_INLINE RequantLanes(const Int8Requant& q, int64_t c) {
    const DI32 d;
    bias = hn::LoadU(d, q.bias.data() + c);
    multiplier = hn::LoadU(d, q.multiplier.data() + c);
    left = hn::LoadU(d, q.left.data() + c);
    right = hn::LoadU(d, q.right.data() + c);
    zero = hn::Set(d, q.zero);
    lo = hn::Set(d, q.lo);
    hi = hn::Set(d, q.hi);
  }
};

// The requantized, clamped int32 lanes.
HWY_INLINE VI32 requantize(VI32 sum, const RequantLanes& t) {
  const VI32 y = multiply_by_multiplier(hn::Add(sum, t.bias), t.multiplier, t.left, t.right);
  return hn::Min(hn::Max(hn::Add(y, t.zero), t.lo), t.hi);
}

// Stores the first n (<= Lanes) lanes of v, already within the output
// dtype's range, as int8 or uint8 bytes.
HWY_INLINE void store_bytes(VI32 v, bool out_unsigned, void* dst, size_t n) {
  const hn::Rebind<uint8_t, DI32> du8;
  const hn::Rebind<int8_t, DI32> di8;
  // In range, so uint8 and int8 bytes are the same bits either way.
  const auto bytes = out_unsigned ? hn::DemoteTo(du8, v) : hn::BitCast(du8, hn::DemoteTo(di8, v));
  if (n == hn::Lanes(du8)) return hn::StoreU(bytes, du8, static_cast<uint8_t*>(dst));
  HWY_ALIGN uint8_t buf[HWY_MAX_BYTES / 4];
  hn::Store(bytes, du8, buf);
  std::memcpy(dst, buf, n);
}

}  // namespace HWY_NAMESPACE
}  // namespace odin::cpu
HWY_AFTER_NAMESPACE();

#endif  // ODIN_KERNELS_CPU_INT8_REQUANT_INL_H_
