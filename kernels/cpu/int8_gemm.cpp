// The int8 GEMM microkernels (int8_kernels.h) and weight packing. A call
// computes rows of packed A (8 at a time) against a range of 16-channel panels:
// each panel step's weights are loaded once and used by every row.
//   kU8S8 (AVX3_DL): vpdpbusd adds 4 products u8 x s8 per int32 lane; a
//          row's 4 activation bytes are broadcast; 8 rows x 2 panels of
//          accumulators; a last panel of at most 8 channels on 256-bit
//          vectors, 16 rows, where float requantization allows.
//   kS16 (every target): pairs of int16 products summed into int32 lanes
//          (vpmaddwd on x86: exact, unlike vpmaddubsw, which saturates).
// Sums are int32 and wrap; the op binds only layers whose true sums fit
// (int8_conv.cpp), so every result equals the reference's int64 one.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "kernels/cpu/int8_gemm.cpp"
// Highway 1.0 compiles the AVX3_DL target (VNNI) only on request.
#ifndef HWY_WANT_AVX3_DL
#define HWY_WANT_AVX3_DL 1
#endif
#include <algorithm>
#include <cstring>

#include "hwy/foreach_target.h"  // IWYU pragma: keep
#include "hwy/highway.h"
#include "kernels/cpu/amx.h"
#include "kernels/cpu/int8_gemm_amx.h"
#include "kernels/cpu/int8_kernels.h"
#include "kernels/cpu/int8_requant-inl.h"

#if HWY_ARCH_X86
#include <immintrin.h>
#endif

HWY_BEFORE_NAMESPACE();
namespace odin::cpu {
namespace HWY_NAMESPACE {
namespace {

HWY_INLINE int32_t load_i32(const void* p) {
  int32_t v;
  std::memcpy(&v, p, 4);
  return v;
}

// Requantizes one row's sums of a panel (kV vectors, tables `t`) and
// stores the first `n` of its channels.
template <int kV>
HWY_INLINE void store_panel(const VI32* sums, const RequantLanes* t, int64_t n, bool out_unsigned,
                            uint8_t* dst) {
  const auto lanes = static_cast<int64_t>(hn::Lanes(DI32()));
  for (int v = 0; v < kV && v * lanes < n; ++v)
    store_bytes(requantize_unclamped(sums[v], t[v]), out_unsigned, dst + v * lanes,
                static_cast<size_t>(std::min(lanes, n - v * lanes)));
}

// ---- kS16: any target ----------------------------------------------------

#if HWY_TARGET != HWY_SCALAR
// kR rows x one panel; the panel's 16 channels are kV vectors.
template <int kR, int kV>
HWY_INLINE void s16_rows(const int16_t* a, int64_t k_pad, const int16_t* w, const Int8Requant& q,
                         const RequantLanes* tables, int64_t n, uint8_t* c, int64_t ldc) {
  const DI32 d;
  const hn::Repartition<int16_t, DI32> d16;
  const size_t lanes16 = hn::Lanes(d16);
  VI32 acc0[kR][kV], acc1[kR][kV];
  for (int r = 0; r < kR; ++r)
    for (int v = 0; v < kV; ++v) acc0[r][v] = acc1[r][v] = hn::Zero(d);
  for (int64_t g = 0; g < k_pad / 2; ++g) {
    const int16_t* wg = w + g * 2 * kInt8Panel;
    hn::Vec<decltype(d16)> wv[kV];
    for (int v = 0; v < kV; ++v) wv[v] = hn::Load(d16, wg + v * lanes16);
    for (int r = 0; r < kR; ++r) {
      const auto av = hn::BitCast(d16, hn::Set(d, load_i32(a + r * k_pad + 2 * g)));
      for (int v = 0; v < kV; ++v)
        acc0[r][v] = hn::ReorderWidenMulAccumulate(d, av, wv[v], acc0[r][v], acc1[r][v]);
    }
  }
  const RequantLanes* t = tables;
  for (int r = 0; r < kR; ++r) {
    VI32 sums[kV];
    for (int v = 0; v < kV; ++v) sums[v] = hn::RearrangeToOddPlusEven(acc0[r][v], acc1[r][v]);
    store_panel<kV>(sums, t, n, q.out_unsigned, c + r * ldc);
  }
}

template <int kV>
HWY_INLINE void s16_panel(int64_t rows, const int16_t* a, int64_t k_pad, const int16_t* w,
                          const Int8Requant& q, int64_t c0, int64_t n, uint8_t* c, int64_t ldc) {
  constexpr int kR = std::max(1, 8 / kV);  // accumulators: 8 vectors (x2 off x86)
  const auto lanes = static_cast<int64_t>(hn::Lanes(DI32()));
  RequantLanes tables[kV];
  for (int v = 0; v < kV; ++v) tables[v] = RequantLanes(q, c0 + v * lanes);
  int64_t r = 0;
  for (; r + kR <= rows; r += kR)
    s16_rows<kR, kV>(a + r * k_pad, k_pad, w, q, tables, n, c + r * ldc, ldc);
  for (; r < rows; ++r) s16_rows<1, kV>(a + r * k_pad, k_pad, w, q, tables, n, c + r * ldc, ldc);
}
#endif

#if HWY_TARGET == HWY_SCALAR
// One int32 lane holds no int16 pair: plain loops.
template <int kV>
HWY_INLINE void s16_panel(int64_t rows, const int16_t* a, int64_t k_pad, const int16_t* w,
                          const Int8Requant& q, int64_t c0, int64_t n, uint8_t* c, int64_t ldc) {
  for (int64_t r = 0; r < rows; ++r) {
    VI32 sums[kInt8Panel];
    for (int64_t j = 0; j < kInt8Panel; ++j) {
      int32_t sum = 0;
      for (int64_t i = 0; i < k_pad; ++i)
        sum += int32_t{a[r * k_pad + i]} * w[(i / 2 * kInt8Panel + j) * 2 + i % 2];
      sums[j] = hn::Set(DI32(), sum);
    }
    RequantLanes tables[kInt8Panel];
    for (int64_t j = 0; j < kInt8Panel; ++j) tables[j] = RequantLanes(q, c0 + j);
    store_panel<kInt8Panel>(sums, tables, n, q.out_unsigned, c + r * ldc);
  }
}
#endif

HWY_INLINE void gemm_s16(int64_t rows, const int16_t* a, const Int8PackedWeights& w, int64_t p0,
                         int64_t p1, const Int8Requant& q, uint8_t* c, int64_t ldc) {
  constexpr int kV = static_cast<int>(kInt8Panel / HWY_MAX(1, HWY_LANES(int32_t)));
  const auto* packed = reinterpret_cast<const int16_t*>(w.data.data());
  for (int64_t p = p0; p < p1; ++p) {
    const int64_t c0 = p * kInt8Panel, n = std::min(kInt8Panel, w.n - c0);
    s16_panel<kV>(rows, a, w.k_pad, packed + p * w.k_pad * kInt8Panel, q, c0, n, c + c0, ldc);
  }
}

// ---- kU8S8: AVX-512 VNNI -------------------------------------------------

#if HWY_TARGET == HWY_AVX3_DL
// Where the kU8S8 kernel finds A: row r's 4 bytes of group g at
// row(r) + group(g). Packed rows (im2col or the image itself) are k_pad
// apart with groups 4 bytes apart; an indirect A gives each row's start and
// a table of group offsets (int8_gemm_indirect).
struct PackedRows {
  const uint8_t* a;
  int64_t k_pad;
  const uint8_t* row(int64_t r) const { return a + r * k_pad; }
  int64_t group(int64_t g) const { return 4 * g; }
  PackedRows from(int64_t r) const { return {row(r), k_pad}; }
};
struct IndirectRows {
  const uint8_t* const* rows;
  const int32_t* offsets;
  const uint8_t* row(int64_t r) const { return rows[r]; }
  int64_t group(int64_t g) const { return offsets[g]; }
  IndirectRows from(int64_t r) const { return {rows + r, offsets}; }
};

// kR rows x kP panels (consecutive in memory).
template <int kR, int kP, class Rows>
HWY_INLINE void u8s8_block(const Rows& a, int64_t k_pad, const int8_t* w, const Int8Requant& q,
                           const RequantLanes* tables, int64_t n, uint8_t* c, int64_t ldc) {
  const int64_t panel = k_pad * kInt8Panel;
  const uint8_t* row[kR];
  for (int r = 0; r < kR; ++r) row[r] = a.row(r);
  __m512i acc[kR][kP];
  for (int r = 0; r < kR; ++r)
    for (int p = 0; p < kP; ++p) acc[r][p] = _mm512_setzero_si512();
  for (int64_t g = 0; g < k_pad / 4; ++g) {
    __m512i wv[kP];
    for (int p = 0; p < kP; ++p) wv[p] = _mm512_load_si512(w + p * panel + g * 64);
    const int64_t at = a.group(g);
    for (int r = 0; r < kR; ++r) {
      const __m512i av = _mm512_set1_epi32(load_i32(row[r] + at));
      for (int p = 0; p < kP; ++p) acc[r][p] = dpbusd(acc[r][p], av, wv[p]);
    }
  }
  // Requantized in (row, panel) order, stored four vectors at a time.
  constexpr int kCount = kR * kP;
  size_t count[kP];
  for (int p = 0; p < kP; ++p)
    count[p] = static_cast<size_t>(std::max<int64_t>(0, std::min(kInt8Panel, n - p * kInt8Panel)));
  int i = 0;
  if constexpr (kCount % 4 == 0) {
    HWY_UNROLL(8)
    for (; i < kCount; i += 4) {
      VI32 v[4];
      uint8_t* dst[4];
      size_t len[4];
      HWY_UNROLL(4)
      for (int j = 0; j < 4; ++j) {
        const int r = (i + j) / kP, p = (i + j) % kP;
        v[j] = requantize_unclamped(VI32{acc[r][p]}, tables[p]);
        dst[j] = c + r * ldc + p * kInt8Panel;
        len[j] = count[p];
      }
      store_bytes4_to(v, q.out_unsigned, dst, len);
    }
  }
  for (; i < kCount; ++i) {
    const int r = i / kP, p = i % kP;
    const VI32 sums[1] = {VI32{acc[r][p]}};
    store_panel<1>(sums, &tables[p], static_cast<int64_t>(count[p]), q.out_unsigned,
                   c + r * ldc + p * kInt8Panel);
  }
}

template <int kP, class Rows>
HWY_INLINE void u8s8_panels(int64_t rows, const Rows& a, int64_t k_pad, const int8_t* w,
                            const Int8Requant& q, int64_t c0, int64_t n, uint8_t* c, int64_t ldc) {
  RequantLanes tables[kP];  // once for all the rows
  for (int p = 0; p < kP; ++p) tables[p] = RequantLanes(q, c0 + p * kInt8Panel);
  int64_t r = 0;  // whole blocks keep all accumulators in registers
  for (; r + 8 <= rows; r += 8)
    u8s8_block<8, kP>(a.from(r), k_pad, w, q, tables, n, c + r * ldc, ldc);
  for (; r + 4 <= rows; r += 4)
    u8s8_block<4, kP>(a.from(r), k_pad, w, q, tables, n, c + r * ldc, ldc);
  for (; r < rows; ++r) u8s8_block<1, kP>(a.from(r), k_pad, w, q, tables, n, c + r * ldc, ldc);
}

// A panel of at most 8 channels on 256-bit vectors (the first half of each
// 64-byte weight group): on Zen 4 a 512-bit vpdpbusd or float operation
// costs two 256-bit ones, so half-empty 512-bit vectors waste half the
// work. Int8Requant::float_unclamped only; kR rows at a time.
template <int kR, class Rows>
HWY_INLINE void u8s8_half_block(const Rows& a, int64_t k_pad, const int8_t* w, const HalfTables& t,
                                int64_t n, bool out_unsigned, uint8_t* c, int64_t ldc) {
  const uint8_t* row[kR];
  for (int r = 0; r < kR; ++r) row[r] = a.row(r);
  __m256i acc[kR];
  for (int r = 0; r < kR; ++r) acc[r] = _mm256_setzero_si256();
  for (int64_t g = 0; g < k_pad / 4; ++g) {
    const __m256i wv = _mm256_load_si256(reinterpret_cast<const __m256i*>(w + g * 64));
    const int64_t at = a.group(g);
    for (int r = 0; r < kR; ++r)
      acc[r] = dpbusd(acc[r], _mm256_set1_epi32(load_i32(row[r] + at)), wv);
  }
  const auto mask = static_cast<__mmask8>((1u << n) - 1);
  for (int r = 0; r < kR; ++r) store_half(acc[r], t, mask, out_unsigned, c + r * ldc);
}

template <class Rows>
HWY_INLINE void u8s8_half_panel(int64_t rows, const Rows& a, int64_t k_pad, const int8_t* w,
                                const Int8Requant& q, int64_t c0, int64_t n, uint8_t* c,
                                int64_t ldc) {
  const HalfTables t(q, c0);
  int64_t r = 0;
  for (; r + 16 <= rows; r += 16)
    u8s8_half_block<16>(a.from(r), k_pad, w, t, n, q.out_unsigned, c + r * ldc, ldc);
  for (; r < rows; ++r)
    u8s8_half_block<1>(a.from(r), k_pad, w, t, n, q.out_unsigned, c + r * ldc, ldc);
}

template <class Rows>
HWY_INLINE void gemm_u8s8(int64_t rows, const Rows& a, const Int8PackedWeights& w, int64_t p0,
                          int64_t p1, const Int8Requant& q, uint8_t* c, int64_t ldc) {
  const auto* packed = reinterpret_cast<const int8_t*>(w.data.data());
  const int64_t panel = w.k_pad * kInt8Panel;
  // A last panel of at most 8 channels runs at half width, alone.
  const auto half = [&](int64_t panel_index) {
    return w.n - panel_index * kInt8Panel <= kInt8Panel / 2 && q.float_unclamped();
  };
  int64_t p = p0;
  for (; p + 2 <= p1 && !(p + 2 == p1 && half(p + 1)); p += 2) {
    const int64_t c0 = p * kInt8Panel;
    u8s8_panels<2>(rows, a, w.k_pad, packed + p * panel, q, c0, w.n - c0, c + c0, ldc);
  }
  for (; p < p1; ++p) {
    const int64_t c0 = p * kInt8Panel;
    if (half(p))
      u8s8_half_panel(rows, a, w.k_pad, packed + p * panel, q, c0, w.n - c0, c + c0, ldc);
    else
      u8s8_panels<1>(rows, a, w.k_pad, packed + p * panel, q, c0, w.n - c0, c + c0, ldc);
  }
}

// Whole 16-row tiles of A on AMX (int8_gemm_amx.h), the sums requantized
// as the VNNI kernel's; returns the rows done (none without AMX).
HWY_INLINE int64_t amx_rows(int64_t rows, const PackedRows& a, const Int8PackedWeights& w,
                            int64_t p0, int64_t p1, const Int8Requant& q, uint8_t* c, int64_t ldc) {
  if (rows < kAmxTileRows || w.k_pad < kAmxMinDepth || !amx_enabled()) return 0;
  constexpr int64_t kGroup = 8;  // panels per call: the sums (8 KB) stay in L1
  constexpr int64_t kLd = kGroup * kInt8Panel;
  alignas(64) int32_t sums[kAmxTileRows * kLd];
  int64_t r = 0;
  for (; r + kAmxTileRows <= rows; r += kAmxTileRows)
    for (int64_t g = p0; g < p1; g += kGroup) {
      const int64_t g1 = std::min(p1, g + kGroup);
      int8_amx_sums(a.row(r), a.k_pad, w, g, g1, sums, kLd);
      for (int64_t p = g; p < g1; ++p) {
        const int64_t c0 = p * kInt8Panel;
        const RequantLanes t(q, c0);
        const int64_t n = std::min(kInt8Panel, w.n - c0);
        for (int64_t i = 0; i < kAmxTileRows; ++i) {
          const VI32 s[1] = {hn::Load(DI32(), sums + i * kLd + (p - g) * kInt8Panel)};
          store_panel<1>(s, &t, n, q.out_unsigned, c + (r + i) * ldc + c0);
        }
      }
    }
  if (r > 0) int8_amx_note_call();
  return r;
}
#endif

}  // namespace

HWY_ATTR void Int8Gemm(int64_t rows, const void* a, const Int8PackedWeights& w, int64_t p0,
                       int64_t p1, const Int8Requant& q, void* c, int64_t ldc) {
  auto* out = static_cast<uint8_t*>(c);
  if (w.layout == Int8Layout::kU8S8) {
#if HWY_TARGET == HWY_AVX3_DL
    const PackedRows rows_a{static_cast<const uint8_t*>(a), w.k_pad};
    const int64_t done = amx_rows(rows, rows_a, w, p0, p1, q, out, ldc);
    gemm_u8s8(rows - done, rows_a.from(done), w, p0, p1, q, out + done * ldc, ldc);
#endif
    return;  // packed only where int8_gemm_has_vnni()
  }
  gemm_s16(rows, static_cast<const int16_t*>(a), w, p0, p1, q, out, ldc);
}

HWY_ATTR void Int8GemmIndirect(int64_t rows, const uint8_t* const* row_ptrs, const int32_t* offsets,
                               const Int8PackedWeights& w, int64_t p0, int64_t p1,
                               const Int8Requant& q, void* c, int64_t ldc) {
#if HWY_TARGET == HWY_AVX3_DL
  gemm_u8s8(rows, IndirectRows{row_ptrs, offsets}, w, p0, p1, q, static_cast<uint8_t*>(c), ldc);
#else
  (void)rows, (void)row_ptrs, (void)offsets, (void)w, (void)p0, (void)p1, (void)q, (void)c,
      (void)ldc;  // kU8S8 is packed only where int8_gemm_has_vnni()
#endif
}

HWY_ATTR bool Int8HasVnni() {
  return HWY_TARGET == HWY_AVX3_DL;
}

HWY_ATTR const char* Int8TargetName() {
  return hwy::TargetName(HWY_TARGET);
}

}  // namespace HWY_NAMESPACE
}  // namespace odin::cpu
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace odin::cpu {

HWY_EXPORT(Int8Gemm);
HWY_EXPORT(Int8GemmIndirect);
HWY_EXPORT(Int8HasVnni);
HWY_EXPORT(Int8TargetName);

bool int8_gemm_has_vnni() {
  return HWY_DYNAMIC_DISPATCH(Int8HasVnni)();
}

const char* int8_target_name() {
  return HWY_DYNAMIC_DISPATCH(Int8TargetName)();
}

void int8_gemm(int64_t rows, const void* a, const Int8PackedWeights& w, int64_t p0, int64_t p1,
               const Int8Requant& q, void* c, int64_t ldc) {
  HWY_DYNAMIC_DISPATCH(Int8Gemm)(rows, a, w, p0, p1, q, c, ldc);
}

void int8_gemm_indirect(int64_t rows, const uint8_t* const* row_ptrs, const int32_t* offsets,
                        const Int8PackedWeights& w, int64_t p0, int64_t p1, const Int8Requant& q,
                        void* c, int64_t ldc) {
  HWY_DYNAMIC_DISPATCH(Int8GemmIndirect)(rows, row_ptrs, offsets, w, p0, p1, q, c, ldc);
}

Int8PackedWeights pack_int8_weights(Int8Layout layout, const void* w, bool w_unsigned,
                                    const std::vector<int32_t>& w_zero, int64_t n, int64_t k,
                                    int32_t a_zero, std::vector<int32_t>* bias,
                                    WeightArena* arena) {
  Int8PackedWeights p;
  p.layout = layout;
  p.n = n;
  p.k = k;
  const int64_t group = layout == Int8Layout::kU8S8 ? 4 : 2;
  p.k_pad = (k + group - 1) / group * group;
  p.panels = (n + kInt8Panel - 1) / kInt8Panel;
  p.data.resize((p.bytes() + 3) / 4, arena);  // zeros: padded channels and k
  const auto* w8 = static_cast<const uint8_t*>(w);
  auto weight = [&](int64_t j, int64_t i) {  // w - w_zero of channel j, input i
    const uint8_t b = w8[j * k + i];
    const int32_t v = w_unsigned ? int32_t{b} : int32_t{static_cast<int8_t>(b)};
    return v - w_zero[static_cast<size_t>(j)];
  };
  auto* bytes = reinterpret_cast<int8_t*>(p.data.data());
  auto* halves = reinterpret_cast<int16_t*>(p.data.data());
  for (int64_t j = 0; j < n; ++j) {
    const int64_t panel = j / kInt8Panel, lane = j % kInt8Panel;
    int64_t sum = 0;
    for (int64_t i = 0; i < k; ++i) {
      const int32_t v = weight(j, i);
      sum += v;
      const int64_t at =
          (panel * p.k_pad + i / group * group) * kInt8Panel + lane * group + i % group;
      if (layout == Int8Layout::kU8S8)
        bytes[at] = static_cast<int8_t>(v);
      else
        halves[at] = static_cast<int16_t>(v);
    }
    // kU8S8 reads x + 128 (A's uint8): subtract (128 + zx) sum w.
    // (Modulo 2^32, as the kernel's sums: the layer's true sums fit.)
    if (layout == Int8Layout::kU8S8 && bias) {
      int32_t& b = (*bias)[static_cast<size_t>(j)];
      b = static_cast<int32_t>(static_cast<uint32_t>(b - (128 + int64_t{a_zero}) * sum));
    }
  }
  return p;
}

}  // namespace odin::cpu
#endif  // HWY_ONCE
