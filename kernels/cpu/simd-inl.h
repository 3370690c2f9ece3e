// Helpers shared by the Highway kernels, compiled once per target (the
// include guard flips with HWY_TARGET_TOGGLE, Highway's per-target idiom).
// Partial loads and stores never touch memory past `n` elements: on targets
// where masked memory ops might fault they go through a stack buffer.
#if defined(ODIN_KERNELS_CPU_SIMD_INL_H_) == defined(HWY_TARGET_TOGGLE)
#ifdef ODIN_KERNELS_CPU_SIMD_INL_H_
#undef ODIN_KERNELS_CPU_SIMD_INL_H_
#else
#define ODIN_KERNELS_CPU_SIMD_INL_H_
#endif

#include <cstring>

#include "hwy/highway.h"

HWY_BEFORE_NAMESPACE();
namespace odin::cpu {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

using DF = hn::ScalableTag<float>;
using VF = hn::Vec<DF>;
// Half a vector, for channel tails of at most half the lanes (24 = 16 + 8
// channels with 16 lanes): the FMA units spend nothing on empty lanes.
using DH = hn::Half<DF>;
using VH = hn::Vec<DH>;
constexpr bool kHasHalfVectors = HWY_TARGET != HWY_SCALAR;

// Unroll factor for loops over arrays of vectors (accumulators, inputs):
// unrolled fully, the arrays live in registers; GCC keeps an array indexed
// by a loop counter in memory. A literal: GCC's pragma takes no template
// arguments.
constexpr int kUnrollRegisters = 32;

// The first n (< Lanes) elements of p, zeros in the other lanes. D: DF
// or a part of it (hn::Half<DF>).
template <class D>
HWY_INLINE hn::VFromD<D> load_n(D d, const float* HWY_RESTRICT p, size_t n) {
#if HWY_MEM_OPS_MIGHT_FAULT
  HWY_ALIGN float buf[HWY_MAX_BYTES / sizeof(float)] = {};
  std::memcpy(buf, p, n * sizeof(float));
  return hn::Load(d, buf);
#else
  return hn::MaskedLoad(hn::FirstN(d, n), d, p);
#endif
}

// Stores the first n (< Lanes) lanes of v to p.
template <class D>
HWY_INLINE void store_n(hn::VFromD<D> v, D d, float* HWY_RESTRICT p, size_t n) {
#if HWY_MEM_OPS_MIGHT_FAULT
  HWY_ALIGN float buf[HWY_MAX_BYTES / sizeof(float)];
  hn::Store(v, d, buf);
  std::memcpy(p, buf, n * sizeof(float));
#else
  hn::BlendedStore(v, hn::FirstN(d, n), d, p);
#endif
}

// Loads n elements: a full vector when n >= Lanes, else a partial one.
template <class D>
HWY_INLINE hn::VFromD<D> load_upto(D d, const float* HWY_RESTRICT p, size_t n) {
  return n >= hn::Lanes(d) ? hn::LoadU(d, p) : load_n(d, p, n);
}

// A fused PRELU: v < 0 ? v * alpha : v (NaN passes through, as
// kernels/reference/prelu.cpp's x >= 0 ? x : x * alpha gives NaN too).
template <class D, class V = hn::VFromD<D>>
HWY_INLINE V prelu(D d, V v, V alpha) {
  return hn::IfThenElse(hn::Lt(v, hn::Zero(d)), hn::Mul(v, alpha), v);
}

template <class D>
HWY_INLINE void store_upto(hn::VFromD<D> v, D d, float* HWY_RESTRICT p, size_t n) {
  if (n >= hn::Lanes(d))
    hn::StoreU(v, d, p);
  else
    store_n(v, d, p, n);
}

}  // namespace HWY_NAMESPACE
}  // namespace odin::cpu
HWY_AFTER_NAMESPACE();

#endif  // include guard
