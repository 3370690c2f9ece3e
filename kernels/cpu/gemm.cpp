// GEMM microkernel for 1x1 convolutions, im2col convolutions and fully
// connected layers. Register-blocked: MR rows of A times NV vectors of
// packed B columns accumulate in MR*NV vector registers (8x2 on AVX-512:
// 16 accumulators, enough independent FMAs to hide their latency); each k
// step loads NV vectors of B and broadcasts MR scalars of A. Bias is the
// accumulators' start value; a fused residual addend is added, the fused
// activation clamped and a fused PRELU's slopes applied at the store.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "kernels/cpu/gemm.cpp"
#include <algorithm>
#include <type_traits>

#include "hwy/foreach_target.h"  // IWYU pragma: keep
#include "hwy/highway.h"
#include "kernels/cpu/cpu_kernels.h"
#include "kernels/cpu/simd-inl.h"

HWY_BEFORE_NAMESPACE();
namespace odin::cpu {
namespace HWY_NAMESPACE {

// Rows per register block: AVX-512, NEON and SVE have 32 vector registers,
// AVX2 and SSE 16 (6x2 accumulators + 2 B + 1 A = 15).
#if HWY_ARCH_X86 && HWY_MAX_BYTES < 64
constexpr int kMR = 6;
#else
constexpr int kMR = 8;
#endif

struct GemmArgs {
  const float* a;
  int64_t lda;
  // A row r is `segs` runs of k / segs floats, run s at a + r*lda + s*seg_stride
  // (a conv's filter rows read straight from the image); segs = 1 for a matrix.
  int64_t segs, seg_stride;
  const float* b;  // one panel: [k][b_stride], the kernel's NV * lanes columns first
  int64_t b_stride;
  const float* bias;  // [NV * lanes]
  int64_t k;
  float* c;
  const float* add;    // like c (same ldc), added before the clamp; or null
  const float* alpha;  // [NV * lanes] PRELU slopes applied after the clamp; or null
  int64_t ldc;
  size_t cols;  // valid columns of this panel
  float lo, hi;
};

// A panel's last columns past NV full vectors (NV may be 0), at most half
// a vector (24 = 16 + 8 channels with 16 lanes; 8 alone), take a
// half-width vector (DH).
template <int MR, int NV, bool kHalf>
HWY_ATTR void micro_kernel(const GemmArgs& g) {
  const DF d;
  const DH dh;
  const size_t L = hn::Lanes(d);
  VF acc[MR][NV > 0 ? NV : 1];  // NV = 0: the half vector only
  [[maybe_unused]] VH acc_half[MR];
  HWY_UNROLL(kUnrollRegisters)
  for (int v = 0; v < NV; ++v) {
    const VF b0 = hn::LoadU(d, g.bias + v * L);
    for (int r = 0; r < MR; ++r) acc[r][v] = b0;
  }
  if constexpr (kHalf) {
    const VH b0 = hn::LoadU(dh, g.bias + NV * L);
    for (int r = 0; r < MR; ++r) acc_half[r] = b0;
  }
  const float* HWY_RESTRICT b = g.b;
  // One loop over all k (a nested loop per segment made the compiler keep
  // the accumulators in memory between segments): `a` jumps to the next
  // segment after `span` steps.
  const int64_t span = g.k / g.segs, jump = g.seg_stride - span;
  const float* HWY_RESTRICT a = g.a;
  int64_t left = span;
  for (int64_t kk = 0; kk < g.k; ++kk) {
    VF bv[NV > 0 ? NV : 1];
    for (int v = 0; v < NV; ++v) bv[v] = hn::Load(d, b + v * L);
    [[maybe_unused]] VH bh;
    if constexpr (kHalf) bh = hn::LoadU(dh, b + NV * L);
    b += g.b_stride;
    for (int r = 0; r < MR; ++r) {
      if constexpr (NV == 0) {
        // The half vector alone: a half-width broadcast (on Zen 4 a
        // full-width one from memory costs twice the load slots).
        acc_half[r] = hn::MulAdd(hn::Set(dh, a[r * g.lda]), bh, acc_half[r]);
        continue;
      }
      const VF av = hn::Set(d, a[r * g.lda]);
      for (int v = 0; v < NV; ++v) acc[r][v] = hn::MulAdd(av, bv[v], acc[r][v]);
      if constexpr (kHalf) acc_half[r] = hn::MulAdd(hn::LowerHalf(dh, av), bh, acc_half[r]);
    }
    ++a;
    if (--left == 0) {
      a += jump;
      left = span;
    }
  }
  // Locals, not g's fields: the stores through c could alias those, so
  // the compiler would reload them after each store.
  const size_t cols = g.cols;
  const float* HWY_RESTRICT add = g.add;
  const int64_t ldc = g.ldc;
  const bool has_alpha = g.alpha != nullptr;
  const VF lo = hn::Set(d, g.lo), hi = hn::Set(d, g.hi);
  VF alpha[NV + kHalf];  // the panel's slopes (its bias-sized buffer)
  for (int v = 0; v < NV + kHalf; ++v)
    alpha[v] = has_alpha ? hn::LoadU(d, g.alpha + v * L) : hn::Zero(d);
  // v's lanes that dd holds (all of them, or the lower half).
  auto part = [&](auto dd, VF v) {
    if constexpr (std::is_same_v<decltype(dd), DF>)
      return v;
    else
      return hn::LowerHalf(dd, v);
  };
  // Columns [col, col + lanes of y) of row r: residual, clamp, PRELU, store.
  auto finish = [&](auto dd, auto y, int v, int r) {
    const size_t col = static_cast<size_t>(v) * L;
    if (col >= cols) return;
    const size_t n = cols - col;
    float* HWY_RESTRICT c = g.c + r * ldc + col;
    if (add) y = hn::Add(y, load_upto(dd, add + r * ldc + col, n));
    y = hn::Min(hn::Max(y, part(dd, lo)), part(dd, hi));
    if (has_alpha) y = prelu(dd, y, part(dd, alpha[v]));
    store_upto(y, dd, c, n);
  };
  // Unrolled, so that the accumulators stay in registers.
  HWY_UNROLL(kUnrollRegisters)
  for (int r = 0; r < MR; ++r) {
    HWY_UNROLL(kUnrollRegisters)
    for (int v = 0; v < NV; ++v) finish(d, acc[r][v], v, r);
    if constexpr (kHalf) finish(dh, acc_half[r], NV, r);
  }
}

// Rows per block for one vector of columns: twice as many, since the
// accumulators are half as many per row.
constexpr int kMR1 = 2 * kMR;

template <int NV, bool kHalf, int R>
HWY_ATTR HWY_INLINE bool try_rows(int64_t rows, const GemmArgs& g) {
  if constexpr (R > 0) {
    if (rows == R) {
      micro_kernel<R, NV, kHalf>(g);
      return true;
    }
    return try_rows<NV, kHalf, R - 1>(rows, g);
  }
  return false;
}

// rows in [1, kMR] (two vectors, or one and a half) or [1, kMR1] (one, or
// a half).
template <int NV, bool kHalf = false>
HWY_ATTR void row_block(int64_t rows, const GemmArgs& g) {
  try_rows<NV, kHalf, (2 * NV + kHalf > 2 ? kMR : kMR1)>(rows, g);
}

HWY_ATTR void Gemm(int64_t rows, const float* a, int64_t lda, int64_t segs, int64_t seg_stride,
                   const PackedWeights* w, int64_t panel_begin, int64_t panel_end, float* c,
                   int64_t ldc, Clamp clamp, const float* add) {
  const int64_t nv = w->nr / static_cast<int64_t>(hn::Lanes(DF()));
  const int64_t block = nv == 1 ? kMR1 : kMR;
  for (int64_t r0 = 0; r0 < rows; r0 += block) {
    const int64_t mr = std::min<int64_t>(block, rows - r0);
    for (int64_t p = panel_begin; p < panel_end; ++p) {
      GemmArgs g;
      g.a = a + r0 * lda;
      g.lda = lda;
      g.segs = segs;
      g.seg_stride = seg_stride;
      g.b = w->data.data() + p * w->k * w->nr;
      g.b_stride = w->nr;
      g.bias = w->bias.data() + p * w->nr;
      g.k = w->k;
      g.c = c + r0 * ldc + p * w->nr;
      g.add = add ? add + r0 * ldc + p * w->nr : nullptr;
      g.alpha = w->alpha.size() == 0 ? nullptr : w->alpha.data() + p * w->nr;
      g.ldc = ldc;
      g.cols = static_cast<size_t>(std::min<int64_t>(w->nr, w->n - p * w->nr));
      g.lo = clamp.lo;
      g.hi = clamp.hi;
      // As many vectors per row as the panel's columns fill: half of one
      // (8 of 16 lanes), one (a last panel of n = 36: 32 + 4), one and a
      // half (24 = 16 + 8), or two.
      const size_t lanes = hn::Lanes(DF());
      if (kHasHalfVectors && g.cols <= lanes / 2)  // 8 channels of 16 lanes
        row_block<0, kHasHalfVectors>(mr, g);
      else if (nv == 1 || g.cols <= lanes)
        row_block<1>(mr, g);
      else if (kHasHalfVectors && g.cols <= lanes + lanes / 2)
        row_block<1, kHasHalfVectors>(mr, g);
      else
        row_block<2>(mr, g);
    }
  }
}

// 16 independent FMA chains held in registers: the machine's FMA
// throughput (benchmarks' "percent of peak"). Returns floating-point
// operations done.
HWY_ATTR double FmaLoop(int64_t iters, float* sink) {
  const DF d;
  constexpr int kChains = 16;
  VF acc[kChains];
  for (int i = 0; i < kChains; ++i) acc[i] = hn::Set(d, static_cast<float>(i));
  const VF a = hn::Set(d, 0.999999f), b = hn::Set(d, 1e-7f);
  for (int64_t it = 0; it < iters; ++it)
    for (int i = 0; i < kChains; ++i) acc[i] = hn::MulAdd(acc[i], a, b);
  VF sum = acc[0];
  for (int i = 1; i < kChains; ++i) sum = hn::Add(sum, acc[i]);
  *sink = hn::GetLane(sum);
  return 2.0 * static_cast<double>(iters) * kChains * static_cast<double>(hn::Lanes(d));
}

HWY_ATTR int64_t GemmTileRows(int64_t nr) {
  return nr == static_cast<int64_t>(hn::Lanes(DF())) ? kMR1 : kMR;
}
HWY_ATTR size_t FloatLanes() {
  return hn::Lanes(DF());
}
HWY_ATTR const char* TargetName() {
  return hwy::TargetName(HWY_TARGET);
}

}  // namespace HWY_NAMESPACE
}  // namespace odin::cpu
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
#include <algorithm>
#include <cstring>

namespace odin::cpu {

HWY_EXPORT(Gemm);
HWY_EXPORT(GemmTileRows);
HWY_EXPORT(FloatLanes);
HWY_EXPORT(TargetName);
HWY_EXPORT(FmaLoop);

double fma_loop(int64_t iters, float* sink) {
  return HWY_DYNAMIC_DISPATCH(FmaLoop)(iters, sink);
}

size_t float_lanes() {
  return HWY_DYNAMIC_DISPATCH(FloatLanes)();
}
const char* simd_target_name() {
  return HWY_DYNAMIC_DISPATCH(TargetName)();
}
int64_t gemm_tile_rows(const PackedWeights& w) {
  return HWY_DYNAMIC_DISPATCH(GemmTileRows)(w.nr);
}

bool clamp_of(Activation act, Clamp* out) {
  Clamp c;
  switch (act) {
    case Activation::kNone:
      break;
    case Activation::kRelu:
      c.lo = 0.0f;
      break;
    case Activation::kRelu6:
      c.lo = 0.0f;
      c.hi = 6.0f;
      break;
    case Activation::kReluN1To1:
      c.lo = -1.0f;
      c.hi = 1.0f;
      break;
    default:
      return false;
  }
  *out = c;
  return true;
}

PackedWeights pack_weights(const float* w, const float* bias, int64_t n, int64_t k,
                           WeightArena* arena, const float* alpha) {
  PackedWeights p;
  const auto lanes = static_cast<int64_t>(float_lanes());
  p.n = n;
  p.k = k;
  // Two vectors per panel row unless one covers every column (small heads).
  p.nr = n <= lanes ? lanes : 2 * lanes;
  p.panels = (n + p.nr - 1) / p.nr;
  p.data.resize(static_cast<size_t>(p.panels * k * p.nr), arena);
  p.bias.resize(static_cast<size_t>(p.panels * p.nr), arena);
  if (alpha) {
    p.alpha.resize(static_cast<size_t>(p.panels * p.nr), arena);
    std::memcpy(p.alpha.data(), alpha, static_cast<size_t>(n) * sizeof(float));
  }
  for (int64_t pan = 0; pan < p.panels; ++pan) {
    float* dst = p.data.data() + pan * k * p.nr;
    const int64_t cols = std::min(p.nr, n - pan * p.nr);
    for (int64_t j = 0; j < cols; ++j) {  // read W rows contiguously
      const float* src = w + (pan * p.nr + j) * k;
      for (int64_t kk = 0; kk < k; ++kk) dst[kk * p.nr + j] = src[kk];
    }
    if (bias) std::memcpy(p.bias.data() + pan * p.nr, bias + pan * p.nr, cols * sizeof(float));
  }
  return p;
}

void gemm(int64_t rows, const float* a, int64_t lda, const PackedWeights& w, int64_t panel_begin,
          int64_t panel_end, float* c, int64_t ldc, Clamp clamp, const float* add) {
  HWY_DYNAMIC_DISPATCH(Gemm)(rows, a, lda, 1, 0, &w, panel_begin, panel_end, c, ldc, clamp, add);
}

void gemm_segmented(int64_t rows, const float* a, int64_t lda, int64_t segs, int64_t seg_stride,
                    const PackedWeights& w, float* c, int64_t ldc, Clamp clamp, const float* add) {
  HWY_DYNAMIC_DISPATCH(Gemm)(rows, a, lda, segs, seg_stride, &w, 0, w.panels, c, ldc, clamp, add);
}

}  // namespace odin::cpu
#endif  // HWY_ONCE
