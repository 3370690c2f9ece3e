// int8/uint8 ADD and SUB of same-shape tensors, TFLite's arithmetic
// (quant/affine.h add_affine): each input centered, shifted left 20 bits,
// scaled by its multiplier; the sum scaled to the output. PRELU with one
// alpha per channel: both branches' multipliers, selected by sign. QUANTIZE
// of float32, DEQUANTIZE to float32.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "kernels/cpu/int8_elementwise.cpp"
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

template <typename T>
HWY_INLINE VI32 load_centered(const T* p, size_t n, size_t lanes, VI32 zero) {
  const DI32 d;
  const hn::Rebind<T, DI32> d8;
  if (n == lanes) return hn::Sub(hn::PromoteTo(d, hn::LoadU(d8, p)), zero);
  HWY_ALIGN T buf[HWY_MAX_BYTES / 4] = {};
  std::memcpy(buf, p, n);
  return hn::Sub(hn::PromoteTo(d, hn::Load(d8, buf)), zero);
}

// The float32 value of centered int32 lanes.
HWY_INLINE VF32 to_float(VI32 v) {
  return hn::ConvertTo(DF32(), v);
}

template <typename T>
HWY_INLINE void add_of(const Int8AddParams& p, const T* a, const T* b, uint8_t* out, int64_t n) {
  const DI32 d;
  const size_t lanes = hn::Lanes(d);
  const VI32 za = hn::Set(d, p.a_zero), zb = hn::Set(d, p.b_zero);
  const VI32 zo = hn::Set(d, p.out_zero), lo = hn::Set(d, p.lo), hi = hn::Set(d, p.hi);
  if (p.rounding == Int8Rounding::kFloat) {
    // XNNPACK's: (bias + a ma + b mb) >> shift on the raw bytes (the
    // products stay below 2^30; the int32 sums wrap to the exact value).
    const VI32 ma = hn::Set(d, p.integer.a_multiplier), mb = hn::Set(d, p.integer.b_multiplier);
    const VI32 bias = hn::Set(d, p.integer.bias), none = hn::Zero(d);
    const int shift = p.integer.shift;
    // The dtype's whole range: the stores saturate (the sums stay far
    // inside int32), so no clamp.
    const bool clamp = p.lo > (p.is_unsigned ? 0 : -128) || p.hi < (p.is_unsigned ? 255 : 127);
    return store_each_vector(0, n, p.is_unsigned, out, [&](int64_t i, size_t cn) {
      const VI32 x = hn::Mul(load_centered(a + i, cn, lanes, none), ma);
      const VI32 y = hn::Mul(load_centered(b + i, cn, lanes, none), mb);
      const VI32 sum = hn::Add(hn::ShiftRightSame(hn::Add(hn::Add(bias, x), y), shift), zo);
      return clamp ? hn::Min(hn::Max(sum, lo), hi) : sum;
    });
  }
  const RequantLanes ma(p.add.a), mb(p.add.b), mo(p.add.out);
  store_each_vector(0, n, p.is_unsigned, out, [&](int64_t i, size_t cn) {
    // Centered values are within +-255: shifted 20 bits they fit in int32.
    const VI32 x = multiply_by_lanes(hn::ShiftLeft<20>(load_centered(a + i, cn, lanes, za)), ma);
    const VI32 y = multiply_by_lanes(hn::ShiftLeft<20>(load_centered(b + i, cn, lanes, zb)), mb);
    const VI32 sum = multiply_by_lanes(p.subtract ? hn::Sub(x, y) : hn::Add(x, y), mo);
    return hn::Min(hn::Max(hn::Add(sum, zo), lo), hi);
  });
}

// (phase + step) mod c without a division per vector.
HWY_INLINE int64_t next_phase(int64_t phase, int64_t step, int64_t c) {
  phase += step;
  while (phase >= c) phase -= c;
  return phase;
}

template <typename T>
HWY_INLINE void prelu_of(const Int8PreluParams& p, const T* x, uint8_t* out, int64_t r0,
                         int64_t r1) {
  const DI32 d;
  const size_t lanes = hn::Lanes(d);
  const VI32 zx = hn::Set(d, p.x_zero), zo = hn::Set(d, p.out_zero);
  const VI32 lo = hn::Set(d, p.lo), hi = hn::Set(d, p.hi);
  const RequantLanes identity(p.identity), slope(p.slope);
  const DF32 df;
  const VF32 fid = hn::Set(df, p.identity_scale);
  const VF32 flo = hn::Set(df, static_cast<float>(p.lo - p.out_zero));
  const VF32 fhi = hn::Set(df, static_cast<float>(p.hi - p.out_zero));
  const auto step = static_cast<int64_t>(lanes);
  // Locals, not p's fields: the byte stores may alias p.
  const int64_t c = p.c;
  const float* const alpha_scale = p.alpha_scale;
  const int32_t* const alpha = p.alpha;
  int64_t phase = 0;  // channel of the next vector's first element (vectors come in order)
  const auto centered = [&](int64_t i, size_t cn, int64_t* ph) {
    *ph = phase;
    phase = next_phase(phase, step, c);
    return load_centered(x + i, cn, lanes, zx);
  };
  if (p.rounding == Int8Rounding::kExact)
    return store_each_vector(r0 * c, r1 * c, p.is_unsigned, out, [&](int64_t i, size_t cn) {
      int64_t ph;
      const VI32 v = centered(i, cn, &ph);
      const VI32 pos = multiply_by_lanes(v, identity);
      const VI32 neg = multiply_by_lanes(hn::Mul(v, hn::LoadU(d, alpha + ph)), slope);
      const VI32 y = hn::IfThenElse(hn::Lt(v, hn::Zero(d)), neg, pos);
      return hn::Min(hn::Max(hn::Add(y, zo), lo), hi);
    });
  const auto product = [&](int64_t i, size_t cn) {
    int64_t ph;
    const VI32 v = centered(i, cn, &ph);
    const auto negative = hn::RebindMask(df, hn::Lt(v, hn::Zero(d)));
    return hn::Mul(to_float(v), hn::IfThenElse(negative, hn::LoadU(df, alpha_scale + ph), fid));
  };
  // In range of int32 (Int8PreluParams::saturate): the stores clamp.
  if (p.saturate)
    return store_each_vector(r0 * c, r1 * c, p.is_unsigned, out, [&](int64_t i, size_t cn) {
      return hn::Add(round_in_range(product(i, cn)), zo);
    });
  store_each_vector(r0 * c, r1 * c, p.is_unsigned, out, [&](int64_t i, size_t cn) {
    return round_to_output(product(i, cn), zo, flo, fhi);
  });
}

}  // namespace

HWY_ATTR void Int8Quantize(const float* x, void* out, int64_t n, float scale, int32_t zero,
                           bool is_unsigned, Int8Rounding rounding) {
  const DF32 df;
  const size_t lanes = hn::Lanes(df);
  const auto lo = hn::Set(df, is_unsigned ? 0.0f : -128.0f);
  const auto hi = hn::Set(df, is_unsigned ? 255.0f : 127.0f);
  const auto sv = hn::Set(df, scale), zf = hn::Set(df, static_cast<float>(zero));
  const auto inverse = hn::Set(df, 1.0f / scale);
  const auto half = hn::Set(df, 0.5f), one = hn::Set(df, 1.0f);
  const VI32 zi = hn::Set(DI32(), zero);
  const VF32 flo = hn::Sub(lo, zf), fhi = hn::Sub(hi, zf);
  store_each_vector(0, n, is_unsigned, static_cast<uint8_t*>(out), [&](int64_t i, size_t cn) {
    auto v = hn::Zero(df);
    if (cn == lanes) {
      v = hn::LoadU(df, x + i);
    } else {
      HWY_ALIGN float buf[HWY_MAX_BYTES / 4] = {};
      std::memcpy(buf, x + i, cn * sizeof(float));
      v = hn::Load(df, buf);
    }
    // kFloat: XNNPACK's conversion, x (1 / scale) clamped to the range
    // less the zero point, rounded to nearest even (NaN: the minimum).
    if (rounding == Int8Rounding::kFloat) return round_to_output(hn::Mul(v, inverse), zi, flo, fhi);
    // The reference: IEEE division as its x / scale, then std::round, the
    // truncation one further from zero where |fraction| >= 0.5.
    const auto q = hn::Div(v, sv);
    VF32 r = hn::Trunc(q);
    r = hn::Add(r, hn::IfThenElseZero(hn::Ge(hn::Abs(hn::Sub(q, r)), half), hn::CopySign(one, q)));
    r = hn::Add(r, zf);
    // NaN and below the range: the minimum.
    return round_in_range(hn::IfThenElse(hn::Ge(r, lo), hn::Min(r, hi), lo));
  });
}

template <typename T>
HWY_INLINE void dequantize_of(const T* x, float* out, int64_t n, float scale, int32_t zero) {
  const DI32 d;
  const DF32 df;
  const auto lanes = static_cast<int64_t>(hn::Lanes(d));
  const VI32 z = hn::Set(d, zero);
  const VF32 s = hn::Set(df, scale);
  int64_t i = 0;
  for (; i + lanes <= n; i += lanes)
    hn::StoreU(hn::Mul(to_float(load_centered(x + i, static_cast<size_t>(lanes),
                                              static_cast<size_t>(lanes), z)),
                       s),
               df, out + i);
  if (i == n) return;
  const auto rest = static_cast<size_t>(std::min(n - i, lanes));  // < lanes
  HWY_ALIGN float buf[HWY_MAX_BYTES / 4];
  hn::Store(hn::Mul(to_float(load_centered(x + i, rest, static_cast<size_t>(lanes), z)), s), df,
            buf);
  std::memcpy(out + i, buf, rest * sizeof(float));
}

HWY_ATTR void Int8Dequantize(const void* x, float* out, int64_t n, float scale, int32_t zero,
                             bool is_unsigned) {
  with_byte_type(is_unsigned, [&](auto t) {
    dequantize_of(static_cast<const decltype(t)*>(x), out, n, scale, zero);
  });
}

HWY_ATTR void Int8Prelu(const Int8PreluParams& p, const void* x, void* out, int64_t r0,
                        int64_t r1) {
  auto* o = static_cast<uint8_t*>(out);
  with_byte_type(p.is_unsigned,
                 [&](auto t) { prelu_of(p, static_cast<const decltype(t)*>(x), o, r0, r1); });
}

HWY_ATTR void Int8MultiplyByMultipliers(const int32_t* x, const FixedPointMultiplier* m, int64_t n,
                                        int32_t* out) {
  const DI32 d;
  const auto lanes = static_cast<int64_t>(hn::Lanes(d));
  HWY_ALIGN int32_t xs[HWY_MAX_BYTES / 4], ms[HWY_MAX_BYTES / 4], ls[HWY_MAX_BYTES / 4],
      rs[HWY_MAX_BYTES / 4], ys[HWY_MAX_BYTES / 4];
  for (int64_t i = 0; i < n; i += lanes) {
    bool any_left = false;
    for (int64_t j = 0; j < lanes; ++j) {
      const int64_t k = std::min(i + j, n - 1);
      xs[j] = x[k];
      ms[j] = m[k].multiplier;
      ls[j] = std::max(m[k].shift, 0);
      rs[j] = std::max(-m[k].shift, 0);
      any_left = any_left || ls[j] != 0;
    }
    RequantLanes t;
#if HWY_TARGET == HWY_SCALAR
    t = RequantLanes(FixedPointMultiplier{ms[0], ls[0] - rs[0]});
#else
    t.init(hn::Zero(d), hn::Load(d, ms), hn::Load(d, ls), hn::Load(d, rs), any_left);
#endif
    hn::Store(multiply_by_lanes(hn::Load(d, xs), t), d, ys);
    std::memcpy(out + i, ys, static_cast<size_t>(std::min(lanes, n - i)) * sizeof(int32_t));
  }
}

HWY_ATTR void Int8Add(const Int8AddParams& p, const void* a, const void* b, void* out, int64_t n) {
  auto* o = static_cast<uint8_t*>(out);
  with_byte_type(p.is_unsigned, [&](auto t) {
    using T = decltype(t);
    add_of(p, static_cast<const T*>(a), static_cast<const T*>(b), o, n);
  });
}

}  // namespace HWY_NAMESPACE
}  // namespace odin::cpu
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace odin::cpu {

HWY_EXPORT(Int8Add);
HWY_EXPORT(Int8MultiplyByMultipliers);

void int8_multiply_by_multipliers(const int32_t* x, const FixedPointMultiplier* m, int64_t n,
                                  int32_t* out) {
  HWY_DYNAMIC_DISPATCH(Int8MultiplyByMultipliers)(x, m, n, out);
}
HWY_EXPORT(Int8Prelu);
HWY_EXPORT(Int8Quantize);
HWY_EXPORT(Int8Dequantize);

void int8_dequantize(const void* x, float* out, int64_t n, float scale, int32_t zero,
                     bool is_unsigned) {
  HWY_DYNAMIC_DISPATCH(Int8Dequantize)(x, out, n, scale, zero, is_unsigned);
}

void int8_quantize(const float* x, void* out, int64_t n, float scale, int32_t zero,
                   bool is_unsigned, Int8Rounding rounding) {
  HWY_DYNAMIC_DISPATCH(Int8Quantize)(x, out, n, scale, zero, is_unsigned, rounding);
}

void int8_prelu_rows(const Int8PreluParams& p, const void* x, void* out, int64_t r0, int64_t r1) {
  HWY_DYNAMIC_DISPATCH(Int8Prelu)(p, x, out, r0, r1);
}

void int8_add(const Int8AddParams& p, const void* a, const void* b, void* out, int64_t n) {
  HWY_DYNAMIC_DISPATCH(Int8Add)(p, a, b, out, n);
}

}  // namespace odin::cpu
#endif  // HWY_ONCE
