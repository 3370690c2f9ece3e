// Elementwise unary float32 kernels with more than a clamp: LOGISTIC, TANH,
// HARD_SWISH, LEAKY_RELU, RSQRT and GELU (erf and tanh forms). The formulas
// are kernels/reference/unary.cpp's, evaluated with Highway's vector math
// (Exp: 1 ulp, Tanh: 4 ulp, hwy/contrib/math) and erf from Numerical
// Recipes' erfc fit (|error| < 1.2e-7, the same fit as kernels/vulkan/unary.comp).
// Reads element i before writing it, so y may alias x.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "kernels/cpu/unary.cpp"
// Order matters: foreach_target first, then highway.h, then the per-target
// contrib header (clang-format would sort them).
// clang-format off
#include "hwy/foreach_target.h"  // IWYU pragma: keep
#include "hwy/highway.h"
#include "hwy/contrib/math/math-inl.h"
// clang-format on
#include "kernels/cpu/cpu_kernels.h"
#include "kernels/cpu/simd-inl.h"

HWY_BEFORE_NAMESPACE();
namespace odin::cpu {
namespace HWY_NAMESPACE {

// erf(z) = 1 - t exp(-z^2 + P(t)), t = 1 / (1 + |z|/2), odd in z.
HWY_INLINE VF erf(DF d, VF z) {
  const VF az = hn::Abs(z);
  const VF t = hn::Div(hn::Set(d, 1.0f), hn::MulAdd(hn::Set(d, 0.5f), az, hn::Set(d, 1.0f)));
  constexpr float kP[] = {-1.26551223f, 1.00002368f,  0.37409196f, 0.09678418f,  -0.18628806f,
                          0.27886807f,  -1.13520398f, 1.48851587f, -0.82215223f, 0.17087277f};
  VF p = hn::Set(d, kP[9]);
  for (int i = 8; i >= 0; --i) p = hn::MulAdd(p, t, hn::Set(d, kP[i]));
  const VF r = hn::Mul(t, hn::Exp(d, hn::Sub(p, hn::Mul(az, az))));
  const VF e = hn::Sub(hn::Set(d, 1.0f), r);
  return hn::IfThenElse(hn::Lt(z, hn::Zero(d)), hn::Neg(e), e);
}

template <UnaryFn kFn>
HWY_INLINE VF apply(DF d, VF x, VF alpha) {
  const VF half = hn::Set(d, 0.5f), one = hn::Set(d, 1.0f);
  if constexpr (kFn == UnaryFn::kLogistic) {
    // exp(-x) is valid up to +104: clamp so very negative x gives 0, not NaN.
    const VF e = hn::Exp(d, hn::Min(hn::Neg(x), hn::Set(d, 88.0f)));
    return hn::Div(one, hn::Add(one, e));
  } else if constexpr (kFn == UnaryFn::kTanh) {
    return hn::Tanh(d, x);
  } else if constexpr (kFn == UnaryFn::kHardSwish) {
    const VF r6 = hn::Min(hn::Max(hn::Add(x, hn::Set(d, 3.0f)), hn::Zero(d)), hn::Set(d, 6.0f));
    return hn::Div(hn::Mul(x, r6), hn::Set(d, 6.0f));
  } else if constexpr (kFn == UnaryFn::kLeakyRelu) {
    return hn::IfThenElse(hn::Gt(x, hn::Zero(d)), x, hn::Mul(x, alpha));
  } else if constexpr (kFn == UnaryFn::kRsqrt) {
    return hn::Div(one, hn::Sqrt(x));
  } else if constexpr (kFn == UnaryFn::kGelu) {
    return hn::Mul(hn::Mul(half, x), hn::Add(one, erf(d, hn::Mul(x, hn::Set(d, 0.70710678f)))));
  } else {  // kGeluTanh: 0.5x(1 + tanh(sqrt(2/pi)(x + 0.044715x^3)))
    const VF x3 = hn::Mul(hn::Mul(x, x), x);
    const VF inner = hn::Mul(hn::Set(d, 0.7978845608f), hn::MulAdd(hn::Set(d, 0.044715f), x3, x));
    return hn::Mul(hn::Mul(half, x), hn::Add(one, hn::Tanh(d, inner)));
  }
}

template <UnaryFn kFn>
HWY_ATTR void unary_loop(const float* x, float* y, int64_t n, float alpha_value) {
  const DF d;
  const VF alpha = hn::Set(d, alpha_value);
  const auto L = static_cast<int64_t>(hn::Lanes(d));
  int64_t i = 0;
  for (; i + L <= n; i += L) hn::StoreU(apply<kFn>(d, hn::LoadU(d, x + i), alpha), d, y + i);
  if (i < n) {
    const auto m = static_cast<size_t>(n - i);
    store_n(apply<kFn>(d, load_n(d, x + i, m), alpha), d, y + i, m);
  }
}

HWY_ATTR void UnaryValues(UnaryFn fn, const float* x, float* y, int64_t n, float alpha) {
  switch (fn) {
    case UnaryFn::kLogistic:
      return unary_loop<UnaryFn::kLogistic>(x, y, n, alpha);
    case UnaryFn::kTanh:
      return unary_loop<UnaryFn::kTanh>(x, y, n, alpha);
    case UnaryFn::kHardSwish:
      return unary_loop<UnaryFn::kHardSwish>(x, y, n, alpha);
    case UnaryFn::kLeakyRelu:
      return unary_loop<UnaryFn::kLeakyRelu>(x, y, n, alpha);
    case UnaryFn::kRsqrt:
      return unary_loop<UnaryFn::kRsqrt>(x, y, n, alpha);
    case UnaryFn::kGelu:
      return unary_loop<UnaryFn::kGelu>(x, y, n, alpha);
    case UnaryFn::kGeluTanh:
      return unary_loop<UnaryFn::kGeluTanh>(x, y, n, alpha);
    default:
      return;  // has_unary_kernel() said no
  }
}

}  // namespace HWY_NAMESPACE
}  // namespace odin::cpu
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace odin::cpu {

HWY_EXPORT(UnaryValues);

bool has_unary_kernel(UnaryFn fn) {
  switch (fn) {
    case UnaryFn::kLogistic:
    case UnaryFn::kTanh:
    case UnaryFn::kHardSwish:
    case UnaryFn::kLeakyRelu:
    case UnaryFn::kRsqrt:
    case UnaryFn::kGelu:
    case UnaryFn::kGeluTanh:
      return true;
    default:
      return false;
  }
}

void unary_values(UnaryFn fn, const float* x, float* y, int64_t n, float alpha) {
  HWY_DYNAMIC_DISPATCH(UnaryValues)(fn, x, y, n, alpha);
}

}  // namespace odin::cpu
#endif  // HWY_ONCE
