// TFLite's requantization (quant/affine.h multiply_by_quantized_multiplier)
// on int32 vectors, bit for bit, and the float32 one of XNNPACK
// (Int8Rounding::kFloat: 6 instructions a vector where the exact one needs
// about 20 for its 64-bit products), compiled once per Highway target (the
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

#include <algorithm>
#include <cstdint>
#include <cstring>

#include "hwy/highway.h"
#include "kernels/cpu/int8_kernels.h"

#if HWY_ARCH_X86
#include <immintrin.h>
#endif

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

using DF32 = hn::Repartition<float, DI32>;
using VF32 = hn::Vec<DF32>;

// The float32 requantization's tables (Int8Rounding::kFloat) of one
// vector's channels: the scale, and the output range less the zero point
// (clamped before rounding, as XNNPACK).
struct FloatLanes {
  VF32 scale, lo, hi;
  bool active = false;    // else the fixed-point tables apply
  bool saturate = false;  // Int8Requant::float_unclamped
  FloatLanes() = default;
  HWY_INLINE FloatLanes(const Int8Requant& q, int64_t c) {
    const DF32 df;
    // A saturating bias needs the reference's int32 clamp: exact there.
    active = q.rounding == Int8Rounding::kFloat && q.bias_saturating.empty();
    saturate = q.float_unclamped();
    scale = active ? hn::LoadU(df, q.scale.data() + c) : hn::Zero(df);
    lo = hn::Set(df, static_cast<float>(q.lo - q.zero));
    hi = hn::Set(df, static_cast<float>(q.hi - q.zero));
  }
};

#if HWY_TARGET == HWY_SCALAR
// One vector's worth (channels [c, c + Lanes)) of the requantization
// tables, loaded once for every row a kernel stores.
struct RequantLanes {
  VI32 bias, multiplier, left, right, zero, lo, hi, bias_saturating;
  FloatLanes fl;
  bool saturating = false;
  RequantLanes() = default;
  HWY_INLINE RequantLanes(const Int8Requant& q, int64_t c) {
    const DI32 d;
    fl = FloatLanes(q, c);
    bias = hn::LoadU(d, q.bias.data() + c);
    saturating = !q.bias_saturating.empty();
    bias_saturating = saturating ? hn::LoadU(d, q.bias_saturating.data() + c) : hn::Zero(d);
    multiplier = hn::LoadU(d, q.multiplier.data() + c);
    left = hn::LoadU(d, q.left.data() + c);
    right = hn::LoadU(d, q.right.data() + c);
    zero = hn::Set(d, q.zero);
    lo = hn::Set(d, q.lo);
    hi = hn::Set(d, q.hi);
  }
  HWY_INLINE explicit RequantLanes(const FixedPointMultiplier& m) {
    const DI32 d;
    bias = hn::Zero(d);
    bias_saturating = bias;
    multiplier = hn::Set(d, m.multiplier);
    left = hn::Set(d, m.shift > 0 ? m.shift : 0);
    right = hn::Set(d, m.shift > 0 ? 0 : -m.shift);
    zero = bias;
    lo = hn::Set(d, INT32_MIN);
    hi = hn::Set(d, INT32_MAX);
  }
};

HWY_INLINE VI32 multiply_by_lanes(VI32 x, const RequantLanes& t) {
  return multiply_by_multiplier(x, t.multiplier, t.left, t.right);
}
#else
using DI64 = hn::RepartitionToWide<DI32>;
using VI64 = hn::Vec<DI64>;

// Requantization in one rounding. With P = x' m (x' = x << left, wrapping
// in int32 as TFLite) and e = right, TFLite's two roundings are
//   t = floor((P + 2^30) / 2^31),  y = floor((t + 2^(e-1) - [t < 0]) / 2^e)
// (e >= 1; y = t for e = 0). floor((floor(A) + c) / 2^e) = floor((A + c) /
// 2^e) for integer c, so y = (P + 2^30 + 2^(30+e) - [t < 0] 2^31) >> (31 + e),
// one 64-bit arithmetic shift. t < 0 may be replaced by P < 0: for P in
// [-2^30, 0), t = 0 and both give 0 (the numerator stays in [0, 2^(31+e))).
// |P| <= 2^62 and e <= 31, so nothing overflows int64.
struct RequantLanes {
  VI32 bias, multiplier, multiplier_odd, left, zero, lo, hi, bias_saturating;
  FloatLanes fl;
  bool saturating = false;
  // Per 64-bit lane, even channels then odd: the rounding constant, the
  // correction for negative products (-2^31, or 0 for e = 0), 31 + e.
  VI64 round_even, round_odd, neg_even, neg_odd, shift_even, shift_odd;
  bool any_left = false;
  RequantLanes() = default;
  HWY_INLINE RequantLanes(const Int8Requant& q, int64_t c) {
    const DI32 d;
    fl = FloatLanes(q, c);
    init(hn::LoadU(d, q.bias.data() + c), hn::LoadU(d, q.multiplier.data() + c),
         hn::LoadU(d, q.left.data() + c), hn::LoadU(d, q.right.data() + c), q.any_left);
    saturating = !q.bias_saturating.empty();
    bias_saturating = saturating ? hn::LoadU(d, q.bias_saturating.data() + c) : hn::Zero(d);
    zero = hn::Set(d, q.zero);
    lo = hn::Set(d, q.lo);
    hi = hn::Set(d, q.hi);
  }
  // One multiplier for every lane, no bias, no clamp.
  HWY_INLINE explicit RequantLanes(const FixedPointMultiplier& m) {
    const DI32 d;
    const int l = m.shift > 0 ? m.shift : 0, r = m.shift > 0 ? 0 : -m.shift;
    init(hn::Zero(d), hn::Set(d, m.multiplier), hn::Set(d, l), hn::Set(d, r), l != 0);
    zero = hn::Zero(d);
    lo = hn::Set(d, INT32_MIN);
    hi = hn::Set(d, INT32_MAX);
  }
  HWY_INLINE void init(VI32 b, VI32 m, VI32 l, VI32 right, bool has_left) {
    const DI32 d;
    const DI64 d64;
    const hn::RebindToUnsigned<DI64> du64;
    bias = b;
    multiplier = m;
    multiplier_odd = hn::BitCast(d, hn::ShiftRight<32>(hn::BitCast(du64, multiplier)));
    left = l;
    any_left = has_left;
    const auto low = hn::Set(du64, 0xFFFFFFFFu);
    const VI64 e_even = hn::BitCast(d64, hn::And(hn::BitCast(du64, right), low));
    const VI64 e_odd = hn::BitCast(d64, hn::ShiftRight<32>(hn::BitCast(du64, right)));
    const VI64 one = hn::Set(d64, 1), half = hn::Set(d64, int64_t{1} << 30);
    const VI64 z = hn::Zero(d64), neg = hn::Set(d64, -(int64_t{1} << 31));
    const auto constants = [&](VI64 e, VI64* round, VI64* n, VI64* shift) {
      const auto positive = hn::Gt(e, z);
      *round =
          hn::Add(half, hn::IfThenElseZero(positive, hn::Shl(one, hn::Add(e, hn::Set(d64, 30)))));
      *n = hn::IfThenElseZero(positive, neg);
      *shift = hn::Add(e, hn::Set(d64, 31));
    };
    constants(e_even, &round_even, &neg_even, &shift_even);
    constants(e_odd, &round_odd, &neg_odd, &shift_odd);
  }
};

// multiply_by_quantized_multiplier per lane with t's tables.
HWY_INLINE VI32 multiply_by_lanes(VI32 x, const RequantLanes& t) {
  const DI32 d;
  if (t.any_left) x = hn::Shl(x, t.left);
  // Shuffles, compares and blends rather than shifts where they can: on
  // x86 512-bit shifts and multiplies share one port, these the others.
  const VI32 x_odd = hn::Shuffle2301(x);  // odd lanes to the even positions MulEven reads
  VI64 even = hn::MulEven(x, t.multiplier);
  VI64 odd = hn::MulEven(x_odd, t.multiplier_odd);
  const VI64 z = hn::Zero(DI64());
  even = hn::Add(hn::Add(even, t.round_even), hn::IfThenElseZero(hn::Lt(even, z), t.neg_even));
  odd = hn::Add(hn::Add(odd, t.round_odd), hn::IfThenElseZero(hn::Lt(odd, z), t.neg_odd));
  even = hn::Shr(even, t.shift_even);
  odd = hn::Shr(odd, t.shift_odd);
  // The results fit in int32: the low halves.
  return hn::OddEven(hn::Shuffle2301(hn::BitCast(d, odd)), hn::BitCast(d, even));
}
#endif

#if HWY_TARGET == HWY_AVX3_DL
// acc + 4 products u8 x s8 per int32 lane. Highway 1.0's AVX3_DL target
// does not enable avx512vnni for the compiler (its CPU check requires it),
// hence asm.
HWY_INLINE __m512i dpbusd(__m512i acc, __m512i u, __m512i s) {
  asm("vpdpbusd %2, %1, %0" : "+v"(acc) : "v"(u), "v"(s));
  return acc;
}
// The 256-bit form (8 int32 lanes), for 8-channel panels and blocks.
HWY_INLINE __m256i dpbusd(__m256i acc, __m256i u, __m256i s) {
  asm("vpdpbusd %2, %1, %0" : "+v"(acc) : "v"(u), "v"(s));
  return acc;
}

// Float requantization of 8 channels (Int8Requant::saturate tables: bias,
// scale, zero point) for 256-bit kernels, as requantize_unclamped: the
// product rounded, then the zero point added; the lanes in `mask` stored
// as bytes, saturated.
struct HalfTables {
  __m256i bias, zero;
  __m256 scale;
  HalfTables(const Int8Requant& q, int64_t c0)
      : bias(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(q.bias.data() + c0))),
        zero(_mm256_set1_epi32(q.zero)),
        scale(_mm256_loadu_ps(q.scale.data() + c0)) {}
};
HWY_INLINE void store_half(__m256i sums, const HalfTables& t, __mmask8 mask, bool out_unsigned,
                           uint8_t* dst) {
  const __m256 scaled = _mm256_mul_ps(_mm256_cvtepi32_ps(_mm256_add_epi32(sums, t.bias)), t.scale);
  const __m256i y = _mm256_add_epi32(_mm256_cvtps_epi32(scaled), t.zero);
  if (out_unsigned)
    _mm256_mask_cvtusepi32_storeu_epi8(dst, mask, _mm256_max_epi32(y, _mm256_setzero_si256()));
  else
    _mm256_mask_cvtsepi32_storeu_epi8(dst, mask, y);
}
#endif

// a + b, clamped to int32.
HWY_INLINE VI32 saturated_add(VI32 a, VI32 b) {
  const DI32 d;
  const VI32 r = hn::Add(a, b);
  // Overflow: a and b of one sign, r of the other; then INT32_MIN for
  // negative a, INT32_MAX for positive.
  const VI32 overflow = hn::And(hn::Xor(a, r), hn::Xor(b, r));
  const VI32 limit = hn::Xor(hn::BroadcastSignBit(a), hn::Set(d, INT32_MAX));
  return hn::IfThenElse(hn::Lt(overflow, hn::Zero(d)), limit, r);
}

// f rounded to nearest even, for f already clamped to the output's range:
// the bare conversion on x86, without NearestInt's overflow fix-up.
HWY_INLINE VI32 round_in_range(VF32 f) {
#if HWY_TARGET == HWY_AVX3 || HWY_TARGET == HWY_AVX3_DL
  return VI32{_mm512_cvtps_epi32(f.raw)};
#elif HWY_TARGET == HWY_AVX2
  return VI32{_mm256_cvtps_epi32(f.raw)};
#else
  return hn::NearestInt(f);
#endif
}

// clamp(round(f) + zero): f clamped to [lo, hi] (the output's range less
// the zero point) before rounding, as XNNPACK.
HWY_INLINE VI32 round_to_output(VF32 f, VI32 zero, VF32 lo, VF32 hi) {
  return hn::Add(round_in_range(hn::Min(hn::Max(f, lo), hi)), zero);
}

// The requantized, clamped int32 lanes.
HWY_INLINE VI32 requantize(VI32 sum, const RequantLanes& t) {
  VI32 x = hn::Add(sum, t.bias);
  if (t.fl.active)
    return round_to_output(hn::Mul(hn::ConvertTo(DF32(), x), t.fl.scale), t.zero, t.fl.lo, t.fl.hi);
  if (t.saturating) x = saturated_add(x, t.bias_saturating);
  const VI32 y = multiply_by_lanes(x, t);
  return hn::Min(hn::Max(hn::Add(y, t.zero), t.lo), t.hi);
}

// requantize for kernels that store through store_bytes / store_bytes4,
// which saturate: where the tables allow (FloatLanes::saturate), one
// multiply, a conversion and the zero point, the clamp left to the store; the value
// may then lie outside the output dtype's range.
// Its float path alone, on tables a kernel holds in registers.
struct UnclampedLanes {
  VI32 bias, zero;
  VF32 scale;
  bool active = false;  // FloatLanes::saturate: else requantize applies
  UnclampedLanes() = default;
  HWY_INLINE explicit UnclampedLanes(const RequantLanes& t)
      : bias(t.bias), zero(t.zero), scale(t.fl.scale), active(t.fl.saturate) {}
  HWY_INLINE VI32 operator()(VI32 sum) const {
    // The product rounded, then the zero point added, as XNNPACK (a fused
    // multiply-add would round ties of the product differently).
    return hn::Add(round_in_range(hn::Mul(hn::ConvertTo(DF32(), hn::Add(sum, bias)), scale)), zero);
  }
};

HWY_INLINE VI32 requantize_unclamped(VI32 sum, const RequantLanes& t) {
  return t.fl.saturate ? UnclampedLanes(t)(sum) : requantize(sum, t);
}

// Stores the first n (<= Lanes) lanes of v as int8 or uint8 bytes,
// saturated to the dtype's range.
HWY_INLINE void store_bytes(VI32 v, bool out_unsigned, void* dst, size_t n) {
#if HWY_TARGET == HWY_AVX3 || HWY_TARGET == HWY_AVX3_DL
  // One saturating, masked vpmovsdb / vpmovusdb (it writes no byte past n).
  const auto mask = static_cast<__mmask16>((1u << n) - 1);
  if (out_unsigned)
    return _mm512_mask_cvtusepi32_storeu_epi8(dst, mask,
                                              _mm512_max_epi32(v.raw, _mm512_setzero_si512()));
  return _mm512_mask_cvtsepi32_storeu_epi8(dst, mask, v.raw);
#endif
  const hn::Rebind<uint8_t, DI32> du8;
  const hn::Rebind<int8_t, DI32> di8;
  // Saturating conversions; in range, uint8 and int8 bytes are the same bits.
  const auto bytes = out_unsigned ? hn::DemoteTo(du8, v) : hn::BitCast(du8, hn::DemoteTo(di8, v));
  if (n == hn::Lanes(du8)) return hn::StoreU(bytes, du8, static_cast<uint8_t*>(dst));
  HWY_ALIGN uint8_t buf[HWY_MAX_BYTES / 4];
  hn::Store(bytes, du8, buf);
  std::memcpy(dst, buf, n);
}

// Four whole vectors' lanes as 4 x Lanes consecutive bytes, saturated to
// the dtype's range: on AVX-512 two packs and one permute (a masked
// vpmovdb store per vector costs more).
HWY_INLINE void store_bytes4(VI32 v0, VI32 v1, VI32 v2, VI32 v3, bool out_unsigned, void* dst) {
#if HWY_TARGET == HWY_AVX3 || HWY_TARGET == HWY_AVX3_DL
  const __m512i w01 = _mm512_packs_epi32(v0.raw, v1.raw);
  const __m512i w23 = _mm512_packs_epi32(v2.raw, v3.raw);
  const __m512i b = out_unsigned ? _mm512_packus_epi16(w01, w23) : _mm512_packs_epi16(w01, w23);
  // Dword 4l + k now holds 128-bit lane l of v_k; it belongs at 4k + l.
  const __m512i order = _mm512_setr_epi32(0, 4, 8, 12, 1, 5, 9, 13, 2, 6, 10, 14, 3, 7, 11, 15);
  _mm512_storeu_si512(dst, _mm512_permutexvar_epi32(order, b));
#else
  const size_t lanes = hn::Lanes(DI32());
  auto* out = static_cast<uint8_t*>(dst);
  store_bytes(v0, out_unsigned, out, lanes);
  store_bytes(v1, out_unsigned, out + lanes, lanes);
  store_bytes(v2, out_unsigned, out + 2 * lanes, lanes);
  store_bytes(v3, out_unsigned, out + 3 * lanes, lanes);
#endif
}

// Four vectors' first n[k] (<= Lanes) lanes as bytes at dst[k], saturated
// to the dtype's range: on AVX-512 the packs and permute of store_bytes4,
// then one 128-bit store each (masked where short), cheaper than four
// narrowing vpmovsdb stores.
HWY_INLINE void store_bytes4_to(const VI32* v, bool out_unsigned, uint8_t* const* dst,
                                const size_t* n) {
#if HWY_TARGET == HWY_AVX3 || HWY_TARGET == HWY_AVX3_DL
  const __m512i w01 = _mm512_packs_epi32(v[0].raw, v[1].raw);
  const __m512i w23 = _mm512_packs_epi32(v[2].raw, v[3].raw);
  const __m512i b = out_unsigned ? _mm512_packus_epi16(w01, w23) : _mm512_packs_epi16(w01, w23);
  const __m512i order = _mm512_setr_epi32(0, 4, 8, 12, 1, 5, 9, 13, 2, 6, 10, 14, 3, 7, 11, 15);
  const __m512i bytes = _mm512_permutexvar_epi32(order, b);
  const __m128i q[4] = {_mm512_castsi512_si128(bytes), _mm512_extracti32x4_epi32(bytes, 1),
                        _mm512_extracti32x4_epi32(bytes, 2), _mm512_extracti32x4_epi32(bytes, 3)};
  for (int k = 0; k < 4; ++k) {
    if (n[k] == 16)
      _mm_storeu_si128(reinterpret_cast<__m128i*>(dst[k]), q[k]);
    else
      _mm_mask_storeu_epi8(dst[k], static_cast<__mmask16>((1u << n[k]) - 1), q[k]);
  }
#else
  for (int k = 0; k < 4; ++k) store_bytes(v[k], out_unsigned, dst[k], n[k]);
#endif
}

// Stores value(i, n) (n <= Lanes lanes, within the output's range) for the
// vectors of elements [begin, end) in order, four at a time where whole.
template <typename F>
HWY_INLINE void store_each_vector(int64_t begin, int64_t end, bool out_unsigned, uint8_t* out,
                                  F value) {
  const auto lanes = static_cast<int64_t>(hn::Lanes(DI32()));
  const auto whole = static_cast<size_t>(lanes);
  int64_t i = begin;
  for (; i + 4 * lanes <= end; i += 4 * lanes) {
    const VI32 v0 = value(i, whole);
    const VI32 v1 = value(i + lanes, whole);
    const VI32 v2 = value(i + 2 * lanes, whole);
    const VI32 v3 = value(i + 3 * lanes, whole);
    store_bytes4(v0, v1, v2, v3, out_unsigned, out + i);
  }
  for (; i < end; i += lanes) {
    const auto n = static_cast<size_t>(std::min(lanes, end - i));
    store_bytes(value(i, n), out_unsigned, out + i, n);
  }
}

// The int8 kernels' one switch on the bytes' type: f(uint8_t{}) for uint8
// data, else f(int8_t{}); f is generic, its element type decltype(arg).
template <typename F>
HWY_INLINE void with_byte_type(bool is_unsigned, F f) {
  if (is_unsigned)
    f(uint8_t{});
  else
    f(int8_t{});
}

}  // namespace HWY_NAMESPACE
}  // namespace odin::cpu
HWY_AFTER_NAMESPACE();

#endif  // ODIN_KERNELS_CPU_INT8_REQUANT_INL_H_
