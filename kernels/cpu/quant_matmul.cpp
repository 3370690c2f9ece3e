// Block-quantized matmul (quant_matmul.h). Every call quantizes the rows of
// x once into scratch, in the order and with the side tables the target's
// kernels want, then computes tiles of MR rows of x by NR rows of W: each
// weight step (4 blocks of 32 or one of 256) is decoded once into registers
// and multiplied with all MR activation rows (GEMM: MR = 4 reuses each
// decoded step 4 times; GEMV: MR = 1, streaming W once).
//
// AVX-512 kernels (AVX3; AVX3_DL adds VNNI: vpdpbusd, u8 x s8 -> int32):
//   Q8_0, Q4_0: a step of 4 blocks; word permutes gather the first 16
//         values of each block into one vector and the last 16 into
//         another, so int32 lanes 4t..4t+3 belong to block t and the 4
//         fp16 scales (permuted the same way) convert in one instruction.
//         Q4_0's nibbles are unsigned; VNNI Q8_0 uses w + 128. The offset
//         (8 or 128) times the activation sums is the int32 start value.
//         AVX3 Q8_0 uses |w| and x * sign(w) (vpmaddubsw saturates on w + 128).
//         M0E4 is Q4_0 with each nibble through a 16-byte table (vpshufb)
//         of its value + 64 (0..128, unsigned), the offset 64.
//   Q4_K, Q6_K: a block's 4 vectors of quants are rearranged so that int32
//         lane L of all 4 holds the same 16 values' sub-block: the 4
//         vpdpbusd sum each 16 values in one lane and the sub-block scales
//         are one float vector. Q4_K's mins are one FMA with dx * (sums of
//         x), Q6_K's -32 offset the int32 start value -32 * (sums of x).
// The activations are stored in the kernels' order; the int32 lanes of a
// step are converted to float and scaled once per step; each output's lanes
// are summed at the end.
// Other targets (AVX2, NEON, ...) decode a block into int8 values and take
// int16 dot products (up to 256-bit) into int32 lanes, scaled per block.
//
// Prepacked weights (prepack_quant_matmul) interleave 16 rows per block, so
// that an int32 lane is a row: the activations are broadcast 4 bytes at a
// time straight from memory (vpdpbusd's embedded broadcast), the scales are
// vectors over rows, and 16 outputs come out as one vector, with no
// shuffles at all. About twice as fast as the GGUF layout on AVX-512.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "kernels/cpu/quant_matmul.cpp"
// Highway 1.0 compiles the AVX3_DL target (VNNI) only on request.
#ifndef HWY_WANT_AVX3_DL
#define HWY_WANT_AVX3_DL 1
#endif
#include "kernels/cpu/quant_matmul.h"

#include <algorithm>
#include <cstring>
#include <limits>
#include <utility>
#include <vector>

#include "hwy/foreach_target.h"  // IWYU pragma: keep
#include "hwy/highway.h"
#include "kernels/cpu/quant_matmul_amx.h"
#include "kernels/cpu/quant_matmul_job.h"
#include "kernels/cpu/quant_pack.h"
#include "quant/fp16.h"

#if HWY_ARCH_X86
#include <immintrin.h>
#endif

HWY_BEFORE_NAMESPACE();
namespace odin::cpu {
namespace HWY_NAMESPACE {
namespace {  // internal linkage: other kernel files define their own helpers per target
namespace hn = hwy::HWY_NAMESPACE;
using qmm::Job;
using qmm::Layout;

using DF = hn::ScalableTag<float>;
using VF = hn::Vec<DF>;

HWY_INLINE uint32_t load_u16(const uint8_t* p) {
  return static_cast<uint32_t>(p[0] | p[1] << 8);
}

#if HWY_TARGET == HWY_AVX3 || HWY_TARGET == HWY_AVX3_DL
constexpr bool kAvx512 = true;
#else
constexpr bool kAvx512 = false;
#endif

HWY_INLINE void store_out(const Job& job, int64_t i, int64_t j, float v) {
  job.y[i * job.n + j] = job.bias ? v + job.bias[j] : v;
}

// ---- Activation quantization ------------------------------------------------

// q[i] = nearest-even(x[i] * (127 / amax)); returns amax / 127. n is a
// multiple of the float lanes (32 or 256).
HWY_INLINE float quantize_block(const float* HWY_RESTRICT x, int64_t n, int8_t* HWY_RESTRICT q) {
  const DF df;
  const hn::Rebind<int8_t, DF> d8;
  const auto L = static_cast<int64_t>(hn::Lanes(df));
  VF vmax = hn::Zero(df);
  for (int64_t i = 0; i < n; i += L) vmax = hn::Max(vmax, hn::Abs(hn::LoadU(df, x + i)));
  const float amax = hn::GetLane(hn::MaxOfLanes(df, vmax));
  const float id = amax != 0.0f ? 127.0f / amax : 0.0f;
  const VF vid = hn::Set(df, id);
  for (int64_t i = 0; i < n; i += L)
    hn::StoreU(hn::DemoteTo(d8, hn::NearestInt(hn::Mul(hn::LoadU(df, x + i), vid))), d8, q + i);
  return amax / 127.0f;
}

HWY_INLINE int32_t sum_i8(const int8_t* q, int n) {
  int32_t s = 0;
  for (int i = 0; i < n; ++i) s += q[i];
  return s;
}

// Row r of x into its scratch row, for job.format.
HWY_ATTR void quantize_row(const Job& job, int64_t r) {
  const Layout& lay = job.lay;
  const float* x = job.x + r * job.k;
  uint8_t* a = job.acts + r * lay.stride;
  auto* qs = reinterpret_cast<int8_t*>(a);
  auto* dx = reinterpret_cast<float*>(a + lay.dx_off);
  std::memset(qs + job.k, 0, static_cast<size_t>(lay.k_pad - job.k));
  alignas(64) int8_t q[256];
  switch (job.format) {
    case BlockFormat::kQ8_0:
    case BlockFormat::kQ4_0:
    case BlockFormat::kM0E4: {
      const int64_t blocks = lay.k_pad / 32;
      for (int64_t b = 0; b < blocks; ++b) {
        if (b * 32 < job.k) {
          dx[b] = quantize_block(x + b * 32, 32, q);
        } else {
          dx[b] = 0.0f;
          std::memset(q, 0, 32);
        }
        if (kAvx512 && !job.packed) {
          // Steps of 4 blocks: the first halves of the 4 blocks, then the second halves.
          int8_t* step = qs + (b / 4) * 128 + (b % 4) * 16;
          std::memcpy(step, q, 16);
          std::memcpy(step + 64, q + 16, 16);
        } else {
          std::memcpy(qs + b * 32, q, 32);
        }
      }
      if (!kAvx512) break;
      auto* corr = reinterpret_cast<int32_t*>(a + lay.corr_off);
      const int32_t offset = qmm::unsigned_offset(job.format);
      if (job.packed) {  // per block: the start value of every lane
        for (int64_t b = 0; b < blocks; ++b) corr[b] = -offset * sum_i8(qs + b * 32, 32);
        break;
      }
      // Per step, per int32 lane (4 values of each half): the start value
      // that cancels the weights' offset (Q8_0: +128, VNNI only; Q4_0: +8;
      // M0E4: +64),
      // and the activation scale of the lane's block.
      auto* dxe = reinterpret_cast<float*>(a + lay.dxe_off);
      for (int64_t u = 0; u < blocks / 4; ++u) {
        const int8_t* st = qs + u * 128;
        for (int l = 0; l < 16; ++l) {
          corr[u * 16 + l] = -offset * (sum_i8(st + 4 * l, 4) + sum_i8(st + 64 + 4 * l, 4));
          dxe[u * 16 + l] = dx[u * 4 + l / 4];
        }
      }
      break;
    }
    case BlockFormat::kQ4_K:
    case BlockFormat::kQ6_K: {
      const bool q6 = job.format == BlockFormat::kQ6_K;
      for (int64_t b = 0; b < job.k / 256; ++b) {
        const float d = quantize_block(x + b * 256, 256, q);
        dx[b] = d;
        int32_t sum16[16];
        for (int c = 0; c < 16; ++c) sum16[c] = sum_i8(q + 16 * c, 16);
        // AVX-512 (see the kernels): vector u, int32 lane L holds values
        // 4u..4u+3 of the 16-value chunk perm(L).
        const auto perm = [&](int lane) {
          return q6 && !job.packed ? 4 * (lane % 4) + lane / 4 : lane;
        };
        int8_t* dst = qs + b * 256;
        if (kAvx512 && !job.packed) {
          for (int u = 0; u < 4; ++u)
            for (int l = 0; l < 16; ++l)
              std::memcpy(dst + 64 * u + 4 * l, q + 16 * perm(l) + 4 * u, 4);
        } else {
          std::memcpy(dst, q, 256);
        }
        if (q6) {  // -32 x the chunk sums: the start of Q6_K's int32 sums
          auto* corr = reinterpret_cast<int32_t*>(a + lay.aux_off) + b * 16;
          for (int l = 0; l < 16; ++l) corr[l] = -32 * sum16[perm(l)];
        } else {  // for Q4_K's mins: 0 (packed: the sums), then dx x the sub-block sums
          auto* xsf = reinterpret_cast<float*>(a + lay.aux_off) + b * 16;
          for (int sb = 0; sb < 8; ++sb) {
            const auto sum = static_cast<float>(sum16[2 * sb] + sum16[2 * sb + 1]);
            xsf[sb] = job.packed ? sum : 0.0f;
            xsf[8 + sb] = d * sum;
          }
        }
      }
      break;
    }
    default:
      break;
  }
}

HWY_ATTR void QmmQuantizeRows(const Job& job, int64_t r0, int64_t r1) {
  for (int64_t r = r0; r < r1; ++r) quantize_row(job, r);
}

// ---- AVX-512 kernels ----------------------------------------------------------
//
// A kernel K: kBlockElems / kBlockBytes (the weight format), kUnitBlocks
// (weight blocks per step), W (one weight row's step, decoded), Acc (one
// output's accumulator), decode(step bytes), dot(W, activation row, layout,
// step, Acc&), sum(Acc).

#if HWY_TARGET == HWY_AVX3 || HWY_TARGET == HWY_AVX3_DL

// acc + the sums of 4 products u8 x s8 per int32 lane. Without VNNI the
// pairs go through saturating int16: callers keep 2 * u * |s| <= 32767.
// Highway 1.0's AVX3_DL target does not enable avx512vnni for the compiler
// (its CPU check requires it), hence asm.
HWY_INLINE __m512i dot_u8s8(__m512i acc, __m512i u, __m512i s) {
#if HWY_TARGET == HWY_AVX3_DL
  asm("vpdpbusd %2, %1, %0" : "+v"(acc) : "v"(u), "v"(s));
  return acc;
#else
  return _mm512_add_epi32(acc, _mm512_madd_epi16(_mm512_maddubs_epi16(u, s), _mm512_set1_epi16(1)));
#endif
}

// acc + u1 . s1 + u2 . s2 (per int32 lane). Without VNNI the two int16
// pair sums add in int16: callers keep 4 * u * |s| <= 32767.
HWY_INLINE __m512i dot2_u8s8(__m512i acc, __m512i u1, __m512i s1, __m512i u2, __m512i s2) {
#if HWY_TARGET == HWY_AVX3_DL
  return dot_u8s8(dot_u8s8(acc, u1, s1), u2, s2);
#else
  const __m512i p = _mm512_add_epi16(_mm512_maddubs_epi16(u1, s1), _mm512_maddubs_epi16(u2, s2));
  return _mm512_add_epi32(acc, _mm512_madd_epi16(p, _mm512_set1_epi16(1)));
#endif
}

HWY_INLINE uint32_t load_u32(const uint8_t* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return v;
}

HWY_INLINE float half(const uint8_t* p) {
  return _cvtsh_ss(static_cast<unsigned short>(load_u16(p)));
}

HWY_INLINE __m512i load512(const void* p) {
  return _mm512_loadu_si512(p);
}
HWY_INLINE __m128i load128(const void* p) {
  return _mm_loadu_si128(static_cast<const __m128i*>(p));
}
HWY_INLINE __m256i load256(const void* p) {
  return _mm256_loadu_si256(static_cast<const __m256i*>(p));
}
// int16 lanes 0-15 = a, 16-31 = b.
HWY_INLINE __m512i halves_epi16(int a, int b) {
  return _mm512_inserti64x4(_mm512_set1_epi16(static_cast<int16_t>(a)),
                            _mm256_set1_epi16(static_cast<int16_t>(b)), 1);
}

// Lane indices for vpermt2w / vpermw (int16) and vpermt2d (int32), computed
// at compile time.
struct WordIdx {
  alignas(64) int16_t v[32];
};
struct DwordIdx {
  alignas(64) int32_t v[16];
};
// Q4_0, 4 blocks of 18 bytes (9 words: d, 8 words of quants) from A = p[0,
// 64) and B = p[8, 72): word o of the result is quant word o % 8 of block
// o / 8 (source word 9 t + 1 + r; B's word w is word w + 4).
constexpr WordIdx q4_0_quant_idx() {
  WordIdx idx{};
  for (int o = 0; o < 32; ++o) {
    const int s = 9 * (o / 8) + 1 + o % 8;
    idx.v[o] = static_cast<int16_t>(s < 32 ? s : 32 + s - 4);
  }
  return idx;
}
// The 4 scales (words 0, 9, 18, 27 of A), each over 4 lanes.
constexpr WordIdx q4_0_scale_idx() {
  WordIdx idx{};
  for (int o = 0; o < 16; ++o) idx.v[o] = static_cast<int16_t>(9 * (o / 4));
  return idx;
}
// Q8_0, 4 blocks of 34 bytes (17 words: d, 16 words of quants). First halves
// from p[0, 64) and p[64, 128): source word 17 t + 1 + r; second halves from
// p[8, 72) and p[72, 136): source word 17 t + 9 + r, minus 4; scales: words
// 17 t of the first pair.
constexpr WordIdx q8_0_idx(int part) {
  WordIdx idx{};
  for (int o = 0; o < 32; ++o) {
    const int t = o / 8, r = o % 8;
    if (part == 0) idx.v[o] = static_cast<int16_t>(17 * t + 1 + r);
    if (part == 1) idx.v[o] = static_cast<int16_t>(17 * t + 9 + r - 4);
    if (part == 2) idx.v[o] = static_cast<int16_t>(o < 16 ? 17 * (o / 4) : 0);
  }
  return idx;
}

template <const WordIdx& kIdx>
HWY_INLINE __m512i idx_vec() {
  return _mm512_load_si512(kIdx.v);
}

constexpr WordIdx kQ4_0Quant = q4_0_quant_idx(), kQ4_0Scale = q4_0_scale_idx();
constexpr WordIdx kQ8_0Lo = q8_0_idx(0), kQ8_0Hi = q8_0_idx(1), kQ8_0Scale = q8_0_idx(2);

// M0E4's table (value + 64) in every 128-bit lane, for vpshufb.
HWY_INLINE __m512i m0e4_table() {
  return _mm512_broadcast_i32x4(load128(qmm::kM0E4Unsigned.v));
}

// Every AVX-512 kernel's output accumulates in one float vector.
struct Avx512Acc {
  using Acc = __m512;
  static HWY_INLINE Acc zero() { return _mm512_setzero_ps(); }
  static HWY_INLINE float sum(Acc acc) { return _mm512_reduce_add_ps(acc); }
};

// Q8_0, Q4_0 and M0E4: steps of 4 blocks. The step's quants are rearranged
// (word permutes) into lo = the first 16 values of each block, hi = the last
// 16, matching the activation layout, so int32 lanes 4t..4t+3 hold block t;
// the 4 fp16 scales, each repeated over its 4 lanes, convert in one
// instruction.
template <BlockFormat kF>
struct Q0Avx512 : Avx512Acc {
  static constexpr bool kQ8 = kF == BlockFormat::kQ8_0, kM0E4 = kF == BlockFormat::kM0E4;
  static constexpr int64_t kBlockElems = 32, kBlockBytes = kQ8 ? 34 : 18, kUnitBlocks = 4;
  struct W {
    __m512i lo, hi;            // Q4_0: nibbles; M0E4: w + 64; Q8_0 VNNI: w + 128; Q8_0 AVX3: |w|
    __mmask64 neg_lo, neg_hi;  // Q8_0 AVX3: w < 0
    __m512 d;
  };
  static HWY_INLINE W decode(const uint8_t* p) {
    W w;
    __m256i d16;
    if constexpr (kQ8) {
      const __m512i a = load512(p), b = load512(p + 64);
      const __m512i lo = _mm512_permutex2var_epi16(a, idx_vec<kQ8_0Lo>(), b);
      const __m512i hi =
          _mm512_permutex2var_epi16(load512(p + 8), idx_vec<kQ8_0Hi>(), load512(p + 72));
      d16 = _mm512_castsi512_si256(_mm512_permutex2var_epi16(a, idx_vec<kQ8_0Scale>(), b));
      if constexpr (HWY_TARGET == HWY_AVX3_DL) {
        const __m512i k80 = _mm512_set1_epi8(static_cast<char>(0x80));
        w.lo = _mm512_xor_si512(lo, k80);
        w.hi = _mm512_xor_si512(hi, k80);
        w.neg_lo = w.neg_hi = 0;
      } else {
        w.lo = _mm512_abs_epi8(lo);
        w.hi = _mm512_abs_epi8(hi);
        w.neg_lo = _mm512_movepi8_mask(lo);
        w.neg_hi = _mm512_movepi8_mask(hi);
      }
    } else {
      const __m512i a = load512(p);
      const __m512i v = _mm512_permutex2var_epi16(a, idx_vec<kQ4_0Quant>(), load512(p + 8));
      const __m512i m4 = _mm512_set1_epi8(0x0F);
      w.lo = _mm512_and_si512(v, m4);
      w.hi = _mm512_and_si512(_mm512_srli_epi16(v, 4), m4);
      if constexpr (kM0E4) {
        w.lo = _mm512_shuffle_epi8(m0e4_table(), w.lo);
        w.hi = _mm512_shuffle_epi8(m0e4_table(), w.hi);
      }
      w.neg_lo = w.neg_hi = 0;
      d16 = _mm512_castsi512_si256(_mm512_permutexvar_epi16(idx_vec<kQ4_0Scale>(), a));
    }
    w.d = _mm512_cvtph_ps(d16);
    return w;
  }
  static HWY_INLINE void dot(const W& w, const uint8_t* a, const Layout& lay, int64_t u, Acc& acc) {
    const __m512i xl = _mm512_load_si512(a + u * 128), xh = _mm512_load_si512(a + u * 128 + 64);
    __m512i p;
    if constexpr (kQ8 && HWY_TARGET != HWY_AVX3_DL) {
      // Sign trick: |w| * (x * sign(w)); pairs up to 2 * 128 * 127 fit int16,
      // but two such sums do not, so each half widens on its own.
      const __m512i z = _mm512_setzero_si512();
      p = dot_u8s8(dot_u8s8(z, w.lo, _mm512_mask_sub_epi8(xl, w.neg_lo, z, xl)), w.hi,
                   _mm512_mask_sub_epi8(xh, w.neg_hi, z, xh));
    } else if constexpr (kM0E4 && HWY_TARGET != HWY_AVX3_DL) {
      // Pairs up to 2 * 128 * 127 fit int16, two such sums do not.
      p = dot_u8s8(dot_u8s8(_mm512_load_si512(a + lay.corr_off + u * 64), w.lo, xl), w.hi, xh);
    } else {
      p = dot2_u8s8(_mm512_load_si512(a + lay.corr_off + u * 64), w.lo, xl, w.hi, xh);
    }
    const __m512 dd = _mm512_mul_ps(
        w.d, _mm512_load_ps(reinterpret_cast<const float*>(a + lay.dxe_off) + u * 16));
    acc = _mm512_fmadd_ps(_mm512_cvtepi32_ps(p), dd, acc);
  }
};

// The K-quants' sub-block scales apply per 16 or 32 values. Each block's
// 4 vectors of quants are rearranged (once per weight row and block) so that
// int32 lane L of every vector holds 4 values of the same sub-block chunk:
// the 4 vpdpbusd of a block then sum each chunk whole in one lane, and the
// scales apply to one float vector (no per-output shuffles). Lane order:
//   Q4_K: lane L = values 16 L .. 16 L + 15 (sub-block L / 2), dword u of vector u
//   Q6_K: lane L = the 16 values of sub-block 4 (L % 4) + L / 4 (a 4x4 transpose)
// The activations are stored in the same order.

// Q4_K: dword u of 16-value chunk L sits at qs byte 32 g + 16 h + 4 u (g =
// L / 4, h = L % 2), in the low nibbles for even L / 2, the high for odd.
constexpr DwordIdx q4_k_dword_idx(int u) {
  DwordIdx idx{};  // into (qs[0, 64), qs[64, 128))
  for (int l = 0; l < 16; ++l) idx.v[l] = 8 * (l / 4) + 4 * (l % 2) + u;
  return idx;
}
constexpr DwordIdx kQ4_KIdx[4] = {q4_k_dword_idx(0), q4_k_dword_idx(1), q4_k_dword_idx(2),
                                  q4_k_dword_idx(3)};

struct Q4_KAvx512 : Avx512Acc {
  static constexpr int64_t kBlockElems = 256, kBlockBytes = 144, kUnitBlocks = 1;
  struct W {
    __m512i q[4];  // 4-bit values, lane L = chunk L
    __m512 sc;     // d * scale of chunk L's sub-block
    __m512 mins;   // lanes 8-15: dmin * min of sub-block 0-7 (lanes 0-7: d * scale)
  };
  static HWY_INLINE W decode(const uint8_t* p) {
    W w;
    // 6-bit scales and mins: 0-3 in the low bits of bytes 0-3 / 4-7; 4-7 in
    // the nibbles of bytes 8-11 with their top 2 bits in bytes 0-3 / 4-7.
    const uint32_t a = load_u32(p + 4), b = load_u32(p + 8), c = load_u32(p + 12);
    const uint64_t sc = (a & 0x3F3F3F3Fu) |
                        static_cast<uint64_t>((c & 0x0F0F0F0Fu) | ((a >> 2) & 0x30303030u)) << 32;
    const uint64_t mn = (b & 0x3F3F3F3Fu) |
                        static_cast<uint64_t>(((c >> 4) & 0x0F0F0F0Fu) | ((b >> 2) & 0x30303030u))
                            << 32;
    // [scale 0-7, min 0-7] as float, times [d x 8, dmin x 8].
    const __m512 sm = _mm512_cvtepi32_ps(_mm512_cvtepu8_epi32(
        _mm_set_epi64x(static_cast<long long>(mn), static_cast<long long>(sc))));
    const __m128 dd = _mm_cvtph_ps(_mm_cvtsi32_si128(static_cast<int>(load_u32(p))));
    w.mins = _mm512_mul_ps(
        sm, _mm512_permutexvar_ps(_mm512_set_epi32(1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0),
                                  _mm512_castps128_ps512(dd)));
    // Each sub-block's scale over its 2 chunks.
    w.sc = _mm512_permutexvar_ps(_mm512_set_epi32(7, 7, 6, 6, 5, 5, 4, 4, 3, 3, 2, 2, 1, 1, 0, 0),
                                 w.mins);
    const __m512i q0 = load512(p + 16), q1 = load512(p + 80);
    // Chunk L's nibbles: low for sub-blocks 0, 2, 4, 6 (L % 4 < 2), else high.
    const __m512i shift = _mm512_set_epi32(4, 4, 0, 0, 4, 4, 0, 0, 4, 4, 0, 0, 4, 4, 0, 0);
    const __m512i m4 = _mm512_set1_epi8(0x0F);
    for (int u = 0; u < 4; ++u) {
      const __m512i g = _mm512_permutex2var_epi32(q0, _mm512_load_si512(kQ4_KIdx[u].v), q1);
      w.q[u] = _mm512_and_si512(_mm512_srlv_epi32(g, shift), m4);
    }
    return w;
  }
  static HWY_INLINE void dot(const W& w, const uint8_t* a, const Layout& lay, int64_t u, Acc& acc) {
    const uint8_t* x = a + u * 256;
    __m512i s = _mm512_setzero_si512();
    for (int v = 0; v < 4; ++v) s = dot_u8s8(s, w.q[v], _mm512_load_si512(x + 64 * v));
    const float dx = reinterpret_cast<const float*>(a + lay.dx_off)[u];
    acc = _mm512_fmadd_ps(_mm512_cvtepi32_ps(s), _mm512_mul_ps(w.sc, _mm512_set1_ps(dx)), acc);
    // Mins: dmin * min * (dx * the sub-block's activation sum), lanes 8-15.
    const __m512 xs = _mm512_load_ps(reinterpret_cast<const float*>(a + lay.aux_off) + u * 16);
    acc = _mm512_fnmadd_ps(w.mins, xs, acc);
  }
};

struct Q6_KAvx512 : Avx512Acc {
  static constexpr int64_t kBlockElems = 256, kBlockBytes = 210, kUnitBlocks = 1;
  struct W {
    __m512i q[4];  // 6-bit values 0-63, lane L = sub-block 4 (L % 4) + L / 4
    __m512 sc;     // d * that sub-block's scale
  };
  static HWY_INLINE W decode(const uint8_t* p) {
    const __m512i m4 = _mm512_set1_epi8(0x0F), m30 = _mm512_set1_epi8(0x30);
    // Natural order first: vector v = values 64 v .. 64 v + 63, 128-bit lane
    // t = sub-block 4 v + t. The 2 high bits of values 0-31 / 32-63 / 64-95 /
    // 96-127 of each half are bits 0-1 / 2-3 / 4-5 / 6-7 of qh: shift them
    // to bits 4-5.
    __m512i q[4];
    const __m512i left = halves_epi16(4, 2), right = halves_epi16(0, 2);
    for (int h = 0; h < 2; ++h) {
      const __m512i lo = load512(p + 64 * h);
      const __m512i hb = _mm512_broadcast_i64x4(load256(p + 128 + 32 * h));
      const __m512i ha = _mm512_and_si512(_mm512_sllv_epi16(hb, left), m30);
      const __m512i hc = _mm512_and_si512(_mm512_srlv_epi16(hb, right), m30);
      q[2 * h] = _mm512_ternarylogic_epi32(lo, ha, m4, 0xEC);  // (lo & m4) | ha
      q[2 * h + 1] = _mm512_ternarylogic_epi32(_mm512_srli_epi16(lo, 4), hc, m4, 0xEC);
    }
    // 4x4 dword transpose within 128-bit lanes: vector u, lane 4 t + v =
    // dword u of sub-block 4 v + t.
    const __m512i a = _mm512_unpacklo_epi32(q[0], q[1]), b = _mm512_unpackhi_epi32(q[0], q[1]);
    const __m512i c = _mm512_unpacklo_epi32(q[2], q[3]), d = _mm512_unpackhi_epi32(q[2], q[3]);
    W w;
    w.q[0] = _mm512_unpacklo_epi64(a, c);
    w.q[1] = _mm512_unpackhi_epi64(a, c);
    w.q[2] = _mm512_unpacklo_epi64(b, d);
    w.q[3] = _mm512_unpackhi_epi64(b, d);
    const __m128i perm = _mm_set_epi8(15, 11, 7, 3, 14, 10, 6, 2, 13, 9, 5, 1, 12, 8, 4, 0);
    const __m128i sc = _mm_shuffle_epi8(load128(p + 192), perm);
    w.sc =
        _mm512_mul_ps(_mm512_cvtepi32_ps(_mm512_cvtepi8_epi32(sc)), _mm512_set1_ps(half(p + 208)));
    return w;
  }
  static HWY_INLINE void dot(const W& w, const uint8_t* a, const Layout& lay, int64_t u, Acc& acc) {
    const uint8_t* x = a + u * 256;
    // Starts at -32 x the activation sums: the values' offset.
    __m512i s = _mm512_load_si512(a + lay.aux_off + u * 64);
    for (int v = 0; v < 4; ++v) s = dot_u8s8(s, w.q[v], _mm512_load_si512(x + 64 * v));
    const float dx = reinterpret_cast<const float*>(a + lay.dx_off)[u];
    acc = _mm512_fmadd_ps(_mm512_cvtepi32_ps(s), _mm512_mul_ps(w.sc, _mm512_set1_ps(dx)), acc);
  }
};

// Prepacked Q4_K (qmm::kPackRows rows interleaved): int32 lane r is row r.
// Per sub-block, 8 vpdpbusd multiply the rows' 4-bit values by 4 activation
// bytes broadcast from memory; the scales and mins are vectors over rows;
// no shuffles, and 16 outputs come out as one vector.
HWY_INLINE __m512i dot_u8_bcast(__m512i acc, __m512i u, const int8_t* x) {
#if HWY_TARGET == HWY_AVX3_DL
  asm("vpdpbusd %2%{1to16%}, %1, %0"
      : "+v"(acc)
      : "v"(u), "m"(*reinterpret_cast<const uint32_t*>(x)));
  return acc;
#else
  return dot_u8s8(
      acc, u, _mm512_set1_epi32(static_cast<int>(load_u32(reinterpret_cast<const uint8_t*>(x)))));
#endif
}

// Packed data is read as one linear stream. On Zen 5 the hardware
// prefetchers follow it; on an Intel Xeon (2 vCPUs of a Sapphire Rapids
// class host) decode from DRAM ran at 13-15 tokens/s (TinyLlama Q4_0, one
// thread) until each block also asked for the bytes 16 KiB ahead into L2:
// 20-22 tokens/s, and stories110M (from L3) 127-135 -> 290-380 tokens/s.
constexpr int64_t kPackedPrefetchAhead = 16 << 10;

HWY_INLINE void prefetch_ahead(const uint8_t* block, int64_t bytes) {
  for (int64_t off = 0; off < bytes; off += 64)
    __builtin_prefetch(block + kPackedPrefetchAhead + off, 0, 2);  // prefetcht1: into L2
}

// A packed tile: MR rows of x by one group of 16 rows of W. Holds the MR
// output vectors and the activation rows; block(b) gives the group's block b
// (and prefetches the stream ahead of it); store() writes the outputs.
template <BlockFormat kF, int MR>
struct PackedTile {
  static constexpr int64_t kBlockElems =
      kF == BlockFormat::kQ4_K || kF == BlockFormat::kQ6_K ? 256 : 32;
  const Job& job;
  const Layout& lay;
  const int64_t i0, group, blocks, bb;
  const uint8_t* gp;
  __m512 acc[MR];
  const uint8_t* arow[MR];

  HWY_INLINE PackedTile(const Job& job_, int64_t i0_, int64_t group_)
      : job(job_),
        lay(job_.lay),
        i0(i0_),
        group(group_),
        blocks(job_.k / kBlockElems),
        bb(qmm::packed_block_bytes(kF)),
        gp(job_.w + group_ * blocks * bb) {
    for (int i = 0; i < MR; ++i) {
      acc[i] = _mm512_setzero_ps();
      arow[i] = job.acts + (i0 + i) * lay.stride;
    }
  }
  HWY_INLINE const uint8_t* block(int64_t b) const {
    const uint8_t* p = gp + b * bb;
    prefetch_ahead(p, bb);
    return p;
  }
  // Row i's activation scale of block b.
  HWY_INLINE float dx(int i, int64_t b) const {
    return reinterpret_cast<const float*>(arow[i] + lay.dx_off)[b];
  }
  // acc[i] += blk[i] * dx(i, b): a K-quant block's sums, scaled.
  HWY_INLINE void add_block(const __m512* blk, int64_t b) {
    for (int i = 0; i < MR; ++i) acc[i] = _mm512_fmadd_ps(blk[i], _mm512_set1_ps(dx(i, b)), acc[i]);
  }
  // The MR x 16 outputs (masked past n).
  HWY_INLINE void store() const {
    const int64_t j0 = group * qmm::kPackRows;
    const auto rows = static_cast<int>(std::min<int64_t>(qmm::kPackRows, job.n - j0));
    const auto valid = static_cast<__mmask16>((1u << rows) - 1);
    const __m512 bias =
        job.bias ? _mm512_maskz_loadu_ps(valid, job.bias + j0) : _mm512_setzero_ps();
    for (int i = 0; i < MR; ++i)
      _mm512_mask_storeu_ps(job.y + (i0 + i) * job.n + j0, valid, _mm512_add_ps(acc[i], bias));
  }
};

// The 4 vectors of nibbles at p split into 8: vector 2t the low nibbles of
// vector t, 2t + 1 the high.
HWY_INLINE void split_nibbles(const uint8_t* p, __m512i* q) {
  const __m512i m4 = _mm512_set1_epi8(0x0F);
  for (int t = 0; t < 4; ++t) {
    const __m512i v = load512(p + 64 * t);
    q[2 * t] = _mm512_and_si512(v, m4);
    q[2 * t + 1] = _mm512_and_si512(_mm512_srli_epi16(v, 4), m4);
  }
}

// Q8_0 / Q4_0 / M0E4: per block, 8 vpdpbusd (16 rows x 32 values) from the
// start value -offset * (sum of the block's x), then one FMA with d * dx.
template <BlockFormat kF, int MR>
HWY_ATTR void packed_q0_tile(const Job& job, int64_t i0, int64_t group) {
  constexpr bool kQ8 = kF == BlockFormat::kQ8_0;
  PackedTile<kF, MR> tile(job, i0, group);
  const Layout& lay = tile.lay;
  const __m512i k80 = _mm512_set1_epi8(static_cast<char>(0x80));
  for (int64_t b = 0; b < tile.blocks; ++b) {
    const uint8_t* p = tile.block(b);
    const __m512 d = _mm512_cvtph_ps(load256(p));
    __m512i q[8];  // vector t: values 4t..4t+3 of each row
    __mmask64 neg[8] = {};
    if constexpr (kQ8) {
      for (int t = 0; t < 8; ++t) {
        const __m512i v = load512(p + 32 + 64 * t);
        if constexpr (HWY_TARGET == HWY_AVX3_DL) {
          q[t] = _mm512_xor_si512(v, k80);  // w + 128, undone by the start value
        } else {
          q[t] = _mm512_abs_epi8(v);
          neg[t] = _mm512_movepi8_mask(v);
        }
      }
    } else {
      split_nibbles(p + 32, q);
      if constexpr (kF == BlockFormat::kM0E4)  // w + 64
        for (auto& v : q) v = _mm512_shuffle_epi8(m0e4_table(), v);
    }
    for (int i = 0; i < MR; ++i) {
      const auto* x = reinterpret_cast<const int8_t*>(tile.arow[i]) + b * 32;
      __m512i r;
      if constexpr (kQ8 && HWY_TARGET != HWY_AVX3_DL) {
        r = _mm512_setzero_si512();  // sign trick, as Q0Avx512
        for (int t = 0; t < 8; ++t) {
          const __m512i xv = _mm512_set1_epi32(
              static_cast<int>(load_u32(reinterpret_cast<const uint8_t*>(x + 4 * t))));
          r = dot_u8s8(r, q[t], _mm512_mask_sub_epi8(xv, neg[t], _mm512_setzero_si512(), xv));
        }
      } else {
        r = _mm512_set1_epi32(reinterpret_cast<const int32_t*>(tile.arow[i] + lay.corr_off)[b]);
        // Q4_0's (M0E4's) vector 2t holds values 8t..8t+3, 2t+1 values 8t+4..8t+7.
        for (int t = 0; t < 8; ++t) r = dot_u8_bcast(r, q[t], x + 4 * t);
      }
      tile.acc[i] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(r),
                                    _mm512_mul_ps(d, _mm512_set1_ps(tile.dx(i, b))), tile.acc[i]);
    }
  }
  tile.store();
}

// Q4_K: per sub-block, 8 vpdpbusd; the scales and mins are vectors over rows.
template <int MR>
HWY_ATTR void packed_q4_k_tile(const Job& job, int64_t i0, int64_t group) {
  PackedTile<BlockFormat::kQ4_K, MR> tile(job, i0, group);
  const Layout& lay = tile.lay;
  const __m512i m6 = _mm512_set1_epi8(0x3F), m4 = _mm512_set1_epi8(0x0F);
  const __m512i m30 = _mm512_set1_epi8(0x30), mff = _mm512_set1_epi32(0xFF);
  for (int64_t b = 0; b < tile.blocks; ++b) {
    const uint8_t* p = tile.block(b);
    const __m512 d = _mm512_cvtph_ps(load256(p)), dmin = _mm512_cvtph_ps(load256(p + 32));
    // The 6-bit scales and mins of the 16 rows (see Q4_KAvx512::decode).
    const __m512i wa = load512(p + 64), wb = load512(p + 128), wc = load512(p + 192);
    const __m512i sc_lo = _mm512_and_si512(wa, m6), mn_lo = _mm512_and_si512(wb, m6);
    const __m512i sc_hi =
        _mm512_or_si512(_mm512_and_si512(wc, m4), _mm512_and_si512(_mm512_srli_epi32(wa, 2), m30));
    const __m512i mn_hi = _mm512_or_si512(_mm512_and_si512(_mm512_srli_epi32(wc, 4), m4),
                                          _mm512_and_si512(_mm512_srli_epi32(wb, 2), m30));
    __m512 blk[MR];  // this block's sum before dx
    for (int i = 0; i < MR; ++i) blk[i] = _mm512_setzero_ps();
    for (int sb = 0; sb < 8; ++sb) {
      const __m128i sh = _mm_cvtsi32_si128(8 * (sb % 4));
      const __m512 scale = _mm512_mul_ps(
          _mm512_cvtepi32_ps(_mm512_and_si512(_mm512_srl_epi32(sb < 4 ? sc_lo : sc_hi, sh), mff)),
          d);
      const __m512 mins = _mm512_mul_ps(
          _mm512_cvtepi32_ps(_mm512_and_si512(_mm512_srl_epi32(sb < 4 ? mn_lo : mn_hi, sh), mff)),
          dmin);
      __m512i q[8];
      split_nibbles(p + 256 + sb * 256, q);
      for (int i = 0; i < MR; ++i) {
        const auto* x = reinterpret_cast<const int8_t*>(tile.arow[i]) + b * 256 + sb * 32;
        __m512i r = _mm512_setzero_si512();
        for (int t = 0; t < 8; ++t) r = dot_u8_bcast(r, q[t], x + 4 * t);
        // Mins: dmin * min * (sum of the sub-block's activations).
        const float xs = reinterpret_cast<const float*>(tile.arow[i] + lay.aux_off)[b * 16 + sb];
        blk[i] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(r), scale, blk[i]);
        blk[i] = _mm512_fnmadd_ps(mins, _mm512_set1_ps(xs), blk[i]);
      }
    }
    tile.add_block(blk, b);
  }
  tile.store();
}

// Q6_K: per sub-block (16 values), 4 vpdpbusd from -32 * (sum of its x).
template <int MR>
HWY_ATTR void packed_q6_k_tile(const Job& job, int64_t i0, int64_t group) {
  PackedTile<BlockFormat::kQ6_K, MR> tile(job, i0, group);
  const Layout& lay = tile.lay;
  const __m512i m4 = _mm512_set1_epi8(0x0F), m30 = _mm512_set1_epi8(0x30);
  for (int64_t b = 0; b < tile.blocks; ++b) {
    const uint8_t* p = tile.block(b);
    const __m512 d = _mm512_cvtph_ps(load256(p));
    __m512 blk[MR];
    for (int i = 0; i < MR; ++i) blk[i] = _mm512_setzero_ps();
    for (int sb = 0; sb < 16; ++sb) {
      const __m512 scale =
          _mm512_mul_ps(_mm512_cvtepi32_ps(_mm512_cvtepi8_epi32(load128(p + 32 + 16 * sb))), d);
      const uint8_t* w = p + 288 + 192 * sb;
      const __m512i l0 = load512(w), l1 = load512(w + 64), h = load512(w + 128);
      // Top 2 bits of values 4g + i sit at bits 2g of byte i: move them to 4-5.
      __m512i q[4];
      q[0] = _mm512_ternarylogic_epi32(l0, _mm512_and_si512(_mm512_slli_epi16(h, 4), m30), m4,
                                       0xEC);  // (l0 & m4) | high bits
      q[1] = _mm512_ternarylogic_epi32(_mm512_srli_epi16(l0, 4),
                                       _mm512_and_si512(_mm512_slli_epi16(h, 2), m30), m4, 0xEC);
      q[2] = _mm512_ternarylogic_epi32(l1, _mm512_and_si512(h, m30), m4, 0xEC);
      q[3] = _mm512_ternarylogic_epi32(_mm512_srli_epi16(l1, 4),
                                       _mm512_and_si512(_mm512_srli_epi16(h, 2), m30), m4, 0xEC);
      for (int i = 0; i < MR; ++i) {
        const auto* x = reinterpret_cast<const int8_t*>(tile.arow[i]) + b * 256 + sb * 16;
        __m512i r = _mm512_set1_epi32(
            reinterpret_cast<const int32_t*>(tile.arow[i] + lay.aux_off)[b * 16 + sb]);
        for (int t = 0; t < 4; ++t) r = dot_u8_bcast(r, q[t], x + 4 * t);
        blk[i] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(r), scale, blk[i]);
      }
    }
    tile.add_block(blk, b);
  }
  tile.store();
}

template <int MR>
HWY_ATTR void packed_tile(const Job& job, int64_t i0, int64_t group) {
  switch (job.format) {
    case BlockFormat::kQ8_0:
      return packed_q0_tile<BlockFormat::kQ8_0, MR>(job, i0, group);
    case BlockFormat::kQ4_0:
      return packed_q0_tile<BlockFormat::kQ4_0, MR>(job, i0, group);
    case BlockFormat::kM0E4:
      return packed_q0_tile<BlockFormat::kM0E4, MR>(job, i0, group);
    case BlockFormat::kQ6_K:
      return packed_q6_k_tile<MR>(job, i0, group);
    default:
      return packed_q4_k_tile<MR>(job, i0, group);
  }
}

using KQ8_0 = Q0Avx512<BlockFormat::kQ8_0>;
using KQ4_0 = Q0Avx512<BlockFormat::kQ4_0>;
using KM0E4 = Q0Avx512<BlockFormat::kM0E4>;
using KQ4_K = Q4_KAvx512;
using KQ6_K = Q6_KAvx512;

#else  // portable kernels

// Up to 16 int16 lanes (a sub-block of Q6_K): AVX2 16, NEON 8.
using PD16 = hn::CappedTag<int16_t, 16>;
using PD8 = hn::Rebind<int8_t, PD16>;
using PD32 = hn::Repartition<int32_t, PD16>;
using PDF = hn::Repartition<float, PD16>;
using PV32 = hn::Vec<PD32>;
using PVF = hn::Vec<PDF>;

// Partial sums (int32 lanes) of n (a multiple of 16) products int8 x int8;
// summed across lanes only once per output (PAcc).
HWY_INLINE PV32 dot_i8(const int8_t* HWY_RESTRICT a, const int8_t* HWY_RESTRICT b, int64_t n) {
  const PD16 d16;
  const PD8 d8;
  const PD32 d32;
  PV32 s0 = hn::Zero(d32), s1 = hn::Zero(d32);
  const auto L = static_cast<int64_t>(hn::Lanes(d16));
  for (int64_t i = 0; i < n; i += L)
    s0 = hn::ReorderWidenMulAccumulate(d32, hn::PromoteTo(d16, hn::LoadU(d8, a + i)),
                                       hn::PromoteTo(d16, hn::LoadU(d8, b + i)), s0, s1);
  return hn::Add(s0, s1);
}

// One output: float lanes plus a scalar part (Q4_K's mins).
struct PAcc {
  PVF v;
  float s;
  // Explicit, so that it carries the target attribute (an implicit one does
  // not, and NEON's vector constructor then fails to inline into it).
  HWY_ATTR PAcc() : v(hn::Zero(PDF())), s(0.0f) {}
  static HWY_INLINE PAcc zero() { return PAcc(); }
  static HWY_INLINE float sum(const PAcc& a) {
    return hn::GetLane(hn::SumOfLanes(PDF(), a.v)) + a.s;
  }
  // v += isum * scale
  HWY_INLINE void add(PV32 isum, float scale) {
    v = hn::MulAdd(hn::ConvertTo(PDF(), isum), hn::Set(PDF(), scale), v);
  }
};

// Every portable kernel's output accumulates in a PAcc.
struct PortableAcc {
  using Acc = PAcc;
  static HWY_INLINE Acc zero() { return PAcc::zero(); }
  static HWY_INLINE float sum(const Acc& acc) { return PAcc::sum(acc); }
};

HWY_INLINE float half(const uint8_t* p) {
  return fp16_to_fp32(static_cast<uint16_t>(load_u16(p)));
}

using DU8 = hn::CappedTag<uint8_t, 16>;

HWY_INLINE const float* dx_of(const uint8_t* a, const Layout& lay) {
  return reinterpret_cast<const float*>(a + lay.dx_off);
}
HWY_INLINE const int8_t* qs_of(const uint8_t* a) {
  return reinterpret_cast<const int8_t*>(a);
}

// The K-quants' block: the sum over kSubs sub-blocks of kLen values of
// (w . x) * sc[sub-block], in int32 lanes.
template <int kSubs, int kLen>
HWY_INLINE PV32 scaled_dots(const int8_t* w, const int32_t* sc, const int8_t* x) {
  const PD32 d32;
  PV32 isum = hn::Zero(d32);
  for (int s = 0; s < kSubs; ++s)
    isum = hn::Add(isum, hn::Mul(dot_i8(w + kLen * s, x + kLen * s, kLen), hn::Set(d32, sc[s])));
  return isum;
}

struct Q8_0Portable : PortableAcc {
  static constexpr int64_t kBlockElems = 32, kBlockBytes = 34, kUnitBlocks = 1;
  struct W {
    const int8_t* q;
    float d;
  };
  static HWY_INLINE W decode(const uint8_t* p) {
    return {reinterpret_cast<const int8_t*>(p + 2), half(p)};
  }
  static HWY_INLINE void dot(const W& w, const uint8_t* a, const Layout& lay, int64_t u, Acc& acc) {
    acc.add(dot_i8(w.q, qs_of(a) + u * 32, 32), w.d * dx_of(a, lay)[u]);
  }
};

// Q4_0 (nibble - 8) and M0E4 (the nibble through kM0E4Values: a byte table
// lookup, 16 lanes of DU8 on every target Highway builds here).
template <BlockFormat kF>
struct Q4_0Portable : PortableAcc {
  static constexpr int64_t kBlockElems = 32, kBlockBytes = 18, kUnitBlocks = 1;
  struct W {
    alignas(16) int8_t q[32];  // the values
    float d;
  };
  template <class V>
  static HWY_INLINE V value(V nibbles) {
    const hn::Repartition<int8_t, DU8> di;
    if constexpr (kF == BlockFormat::kM0E4)
      return hn::TableLookupBytes(hn::LoadU(di, kM0E4Values), nibbles);
    else
      return hn::Sub(nibbles, hn::Set(di, 8));
  }
  static HWY_INLINE W decode(const uint8_t* p) {
    const DU8 du;
    const hn::Repartition<int8_t, DU8> di;
    W w;
    if (kF == BlockFormat::kM0E4 && hn::Lanes(du) < 16) {  // no whole table in a vector
      for (int i = 0; i < 16; ++i) {
        w.q[i] = kM0E4Values[p[2 + i] & 0x0F];
        w.q[16 + i] = kM0E4Values[p[2 + i] >> 4];
      }
      w.d = half(p);
      return w;
    }
    for (size_t i = 0; i < 16; i += hn::Lanes(du)) {
      const auto v = hn::LoadU(du, p + 2 + i);
      hn::StoreU(value(hn::BitCast(di, hn::And(v, hn::Set(du, 0x0F)))), di, w.q + i);
      hn::StoreU(value(hn::BitCast(di, hn::ShiftRight<4>(v))), di, w.q + 16 + i);
    }
    w.d = half(p);
    return w;
  }
  static HWY_INLINE void dot(const W& w, const uint8_t* a, const Layout& lay, int64_t u, Acc& acc) {
    acc.add(dot_i8(w.q, qs_of(a) + u * 32, 32), w.d * dx_of(a, lay)[u]);
  }
};

struct Q4_KPortable : PortableAcc {
  static constexpr int64_t kBlockElems = 256, kBlockBytes = 144, kUnitBlocks = 1;
  struct W {
    alignas(16) int8_t q[256];  // nibbles, natural order
    int32_t sc[8];
    float mins[8];  // dmin * min
    float d;
  };
  static HWY_INLINE W decode(const uint8_t* p) {
    const DU8 du;
    W w;
    for (int g = 0; g < 4; ++g)
      for (size_t i = 0; i < 32; i += hn::Lanes(du)) {
        const auto v = hn::LoadU(du, p + 16 + 32 * g + i);
        hn::StoreU(hn::And(v, hn::Set(du, 0x0F)), du, reinterpret_cast<uint8_t*>(w.q) + 64 * g + i);
        hn::StoreU(hn::ShiftRight<4>(v), du, reinterpret_cast<uint8_t*>(w.q) + 64 * g + 32 + i);
      }
    const float dmin = half(p + 2);
    const uint8_t* s = p + 4;
    for (int j = 0; j < 8; ++j) {
      const int sc = j < 4 ? s[j] & 63 : (s[j + 4] & 0x0F) | (s[j - 4] >> 6) << 4;
      const int mn = j < 4 ? s[j + 4] & 63 : (s[j + 4] >> 4) | (s[j] >> 6) << 4;
      w.sc[j] = sc;
      w.mins[j] = dmin * static_cast<float>(mn);
    }
    w.d = half(p);
    return w;
  }
  static HWY_INLINE void dot(const W& w, const uint8_t* a, const Layout& lay, int64_t u, Acc& acc) {
    acc.add(scaled_dots<8, 32>(w.q, w.sc, qs_of(a) + u * 256), w.d * dx_of(a, lay)[u]);
    const float* xsf = reinterpret_cast<const float*>(a + lay.aux_off) + u * 16;
    for (int sb = 0; sb < 8; ++sb) acc.s -= w.mins[sb] * xsf[8 + sb];
  }
};

struct Q6_KPortable : PortableAcc {
  static constexpr int64_t kBlockElems = 256, kBlockBytes = 210, kUnitBlocks = 1;
  struct W {
    alignas(16) int8_t q[256];  // value - 32, natural order
    int32_t sc[16];
    float d;
  };
  static HWY_INLINE W decode(const uint8_t* p) {
    const DU8 du;
    const hn::Repartition<int8_t, DU8> di;
    W w;
    const auto m4 = hn::Set(du, 0x0F), m3 = hn::Set(du, 3), m30 = hn::Set(du, 0x30);
    const auto k32 = hn::Set(di, 32);
    for (int h = 0; h < 2; ++h) {
      const uint8_t* ql = p + 64 * h;
      const uint8_t* qh = p + 128 + 32 * h;
      int8_t* q = w.q + 128 * h;
      for (size_t l = 0; l < 32; l += hn::Lanes(du)) {
        const auto a = hn::LoadU(du, ql + l), b = hn::LoadU(du, ql + 32 + l);
        const auto hb = hn::LoadU(du, qh + l);
        const auto v0 = hn::Or(hn::And(a, m4), hn::ShiftLeft<4>(hn::And(hb, m3)));
        const auto v1 = hn::Or(hn::And(b, m4), hn::And(hn::ShiftLeft<2>(hb), m30));
        const auto v2 = hn::Or(hn::ShiftRight<4>(a), hn::And(hb, m30));
        const auto v3 = hn::Or(hn::ShiftRight<4>(b), hn::And(hn::ShiftRight<2>(hb), m30));
        hn::StoreU(hn::Sub(hn::BitCast(di, v0), k32), di, q + l);
        hn::StoreU(hn::Sub(hn::BitCast(di, v1), k32), di, q + 32 + l);
        hn::StoreU(hn::Sub(hn::BitCast(di, v2), k32), di, q + 64 + l);
        hn::StoreU(hn::Sub(hn::BitCast(di, v3), k32), di, q + 96 + l);
      }
    }
    for (int s = 0; s < 16; ++s) w.sc[s] = static_cast<int8_t>(p[192 + s]);
    w.d = half(p + 208);
    return w;
  }
  static HWY_INLINE void dot(const W& w, const uint8_t* a, const Layout& lay, int64_t u, Acc& acc) {
    acc.add(scaled_dots<16, 16>(w.q, w.sc, qs_of(a) + u * 256), w.d * dx_of(a, lay)[u]);
  }
};

using KQ8_0 = Q8_0Portable;
using KQ4_0 = Q4_0Portable<BlockFormat::kQ4_0>;
using KM0E4 = Q4_0Portable<BlockFormat::kM0E4>;
using KQ4_K = Q4_KPortable;
using KQ6_K = Q6_KPortable;

// Prepacked weights on the portable targets: each row's block back in
// GGUF form, then the plain kernel.
template <class K, int MR>
HWY_ATTR void packed_rows(const Job& job, int64_t i0, int64_t group) {
  const int64_t blocks = job.k / K::kBlockElems, bb = qmm::kPackRows * K::kBlockBytes;
  const uint8_t* gp = job.w + group * blocks * bb;
  const int64_t j0 = group * qmm::kPackRows;
  const int64_t rows = std::min<int64_t>(qmm::kPackRows, job.n - j0);
  for (int64_t r = 0; r < rows; ++r) {
    typename K::Acc acc[MR];
    for (int i = 0; i < MR; ++i) acc[i] = K::zero();
    for (int64_t b = 0; b < blocks; ++b) {
      uint8_t blk[256] = {};  // any format's block (move_block switches on job.format)
      qmm::move_block(job.format, const_cast<uint8_t*>(gp + b * bb), static_cast<int>(r), blk,
                      false);
      const typename K::W w = K::decode(blk);
      for (int i = 0; i < MR; ++i)
        K::dot(w, job.acts + (i0 + i) * job.lay.stride, job.lay, b, acc[i]);
    }
    for (int i = 0; i < MR; ++i) store_out(job, i0 + i, j0 + r, K::sum(acc[i]));
  }
}

template <int MR>
HWY_ATTR void packed_tile(const Job& job, int64_t i0, int64_t group) {
  switch (job.format) {
    case BlockFormat::kQ8_0:
      return packed_rows<KQ8_0, MR>(job, i0, group);
    case BlockFormat::kQ4_0:
      return packed_rows<KQ4_0, MR>(job, i0, group);
    case BlockFormat::kM0E4:
      return packed_rows<KM0E4, MR>(job, i0, group);
    case BlockFormat::kQ6_K:
      return packed_rows<KQ6_K, MR>(job, i0, group);
    default:
      return packed_rows<KQ4_K, MR>(job, i0, group);
  }
}

#endif  // AVX-512 / portable kernels

// ---- Tiles ------------------------------------------------------------------

// y[i0 .. i0+MR, j0 .. j0+NR) over all of k.
template <class K, int MR, int NR>
HWY_ATTR void tile(const Job& job, int64_t i0, int64_t j0) {
  using Acc = typename K::Acc;
  constexpr int64_t kStep = K::kUnitBlocks * K::kBlockBytes;
  const Layout& lay = job.lay;
  Acc acc[MR][NR];
  for (int i = 0; i < MR; ++i)
    for (int j = 0; j < NR; ++j) acc[i][j] = K::zero();
  const uint8_t* arow[MR];
  for (int i = 0; i < MR; ++i) arow[i] = job.acts + (i0 + i) * lay.stride;
  const uint8_t* wrow[NR];
  for (int j = 0; j < NR; ++j) wrow[j] = job.w + (j0 + j) * job.row_bytes;
  const int64_t blocks = job.k / K::kBlockElems;
  const int64_t full = blocks / K::kUnitBlocks;
  // Rows are short (1-2 KiB at k = 2048) and NR are read at once: hardware
  // prefetchers lag. Fetch the rows two tiles on into L2 as we go (into L1,
  // the outstanding misses would be fewer; measured: 17 -> 25 GB/s from DRAM).
  const int64_t ahead = 2 * NR * job.row_bytes;
  for (int64_t u = 0; u < full; ++u) {
    for (int j = 0; j < NR; ++j) {
      const uint8_t* p = wrow[j] + u * kStep;
      for (int64_t off = 0; off < kStep; off += 64) __builtin_prefetch(p + ahead + off, 0, 1);
      __builtin_prefetch(p + ahead + kStep - 1, 0, 1);
      const typename K::W w = K::decode(p);
      for (int i = 0; i < MR; ++i) K::dot(w, arow[i], lay, u, acc[i][j]);
    }
  }
  if (full * K::kUnitBlocks < blocks) {
    // A last, partial step: its blocks in a zeroed step (scale 0 elsewhere).
    alignas(64) uint8_t buf[kStep] = {};
    const auto bytes = static_cast<size_t>((blocks - full * K::kUnitBlocks) * K::kBlockBytes);
    for (int j = 0; j < NR; ++j) {
      std::memcpy(buf, wrow[j] + full * kStep, bytes);
      const typename K::W w = K::decode(buf);
      for (int i = 0; i < MR; ++i) K::dot(w, arow[i], lay, full, acc[i][j]);
    }
  }
  for (int i = 0; i < MR; ++i)
    for (int j = 0; j < NR; ++j) store_out(job, i0 + i, j0 + j, K::sum(acc[i][j]));
}

// F16 / BF16: float32 activations, weights widened on the fly.
template <typename TW, int MR, int NR>
HWY_ATTR void tile_float(const Job& job, int64_t i0, int64_t j0) {
  const DF df;
  const hn::Rebind<TW, DF> dw;
  const auto L = static_cast<int64_t>(hn::Lanes(df));
  const int64_t k = job.k;
  VF acc[MR][NR];
  for (int i = 0; i < MR; ++i)
    for (int j = 0; j < NR; ++j) acc[i][j] = hn::Zero(df);
  const float* xr[MR];
  for (int i = 0; i < MR; ++i) xr[i] = job.x + (i0 + i) * k;
  const TW* wr[NR];
  for (int j = 0; j < NR; ++j)
    wr[j] = reinterpret_cast<const TW*>(job.w + (j0 + j) * job.row_bytes);
  const int64_t ahead = 2 * NR * k;  // elements: two tiles on, as tile()
  int64_t kk = 0;
  for (; kk + L <= k; kk += L) {
    if ((kk * static_cast<int64_t>(sizeof(TW))) % 64 < L * static_cast<int64_t>(sizeof(TW)))
      for (int j = 0; j < NR; ++j) __builtin_prefetch(wr[j] + kk + ahead, 0, 1);
    VF xv[MR];
    for (int i = 0; i < MR; ++i) xv[i] = hn::LoadU(df, xr[i] + kk);
    for (int j = 0; j < NR; ++j) {
      const VF wv = hn::PromoteTo(df, hn::LoadU(dw, wr[j] + kk));
      for (int i = 0; i < MR; ++i) acc[i][j] = hn::MulAdd(wv, xv[i], acc[i][j]);
    }
  }
  if (kk < k) {  // the tail through zeroed buffers
    const auto rest = static_cast<size_t>(k - kk);
    HWY_ALIGN float xb[MR][HWY_MAX_BYTES / sizeof(float)] = {};
    HWY_ALIGN TW wb[HWY_MAX_BYTES / sizeof(float)] = {};
    for (int i = 0; i < MR; ++i) std::memcpy(xb[i], xr[i] + kk, rest * sizeof(float));
    for (int j = 0; j < NR; ++j) {
      std::memcpy(wb, wr[j] + kk, rest * sizeof(TW));
      const VF wv = hn::PromoteTo(df, hn::Load(dw, wb));
      for (int i = 0; i < MR; ++i) acc[i][j] = hn::MulAdd(wv, hn::Load(df, xb[i]), acc[i][j]);
    }
  }
  for (int i = 0; i < MR; ++i)
    for (int j = 0; j < NR; ++j)
      store_out(job, i0 + i, j0 + j, hn::GetLane(hn::SumOfLanes(df, acc[i][j])));
}

struct IntTiles {
  template <class K, int MR, int NR>
  static HWY_INLINE void run(const Job& job, int64_t i0, int64_t j0) {
    tile<K, MR, NR>(job, i0, j0);
  }
};

template <class K>
struct FloatTiles {
  template <class Unused, int MR, int NR>
  static HWY_INLINE void run(const Job& job, int64_t i0, int64_t j0) {
    tile_float<K, MR, NR>(job, i0, j0);
  }
};

// Rows [i0, i1) x columns [j0, j1): 4 x 4 tiles, the edges 1 x 4 / 4 x 1 / 1 x 1.
template <class Tiles, class K>
HWY_ATTR void chunk(const Job& job, int64_t i0, int64_t i1, int64_t j0, int64_t j1) {
  constexpr int64_t kR = 4;
  for (int64_t i = i0; i < i1; i += kR) {
    const int64_t mr = std::min(kR, i1 - i);
    for (int64_t j = j0; j < j1; j += kR) {
      const int64_t nr = std::min(kR, j1 - j);
      if (mr == kR) {
        if (nr == kR) {
          Tiles::template run<K, 4, 4>(job, i, j);
        } else {
          for (int64_t c = 0; c < nr; ++c) Tiles::template run<K, 4, 1>(job, i, j + c);
        }
      } else {
        for (int64_t r = 0; r < mr; ++r) {
          if (nr == kR) {
            Tiles::template run<K, 1, 4>(job, i + r, j);
          } else {
            for (int64_t c = 0; c < nr; ++c) Tiles::template run<K, 1, 1>(job, i + r, j + c);
          }
        }
      }
    }
  }
}

// Prepacked weights: rows [i0, i1) x groups [g0, g1), up to 4 rows at a time.
HWY_ATTR void packed_chunk(const Job& job, int64_t i0, int64_t i1, int64_t g0, int64_t g1) {
  for (int64_t i = i0; i < i1; i += 4) {
    const int64_t mr = std::min<int64_t>(4, i1 - i);
    for (int64_t g = g0; g < g1; ++g) {
      if (mr == 4)
        packed_tile<4>(job, i, g);
      else if (mr == 3)
        packed_tile<3>(job, i, g);
      else if (mr == 2)
        packed_tile<2>(job, i, g);
      else
        packed_tile<1>(job, i, g);
    }
  }
}

HWY_ATTR void QmmMatmulItems(const Job& job, int64_t it0, int64_t it1) {
  for (int64_t it = it0; it < it1; ++it) {
    const int64_t nc = it / job.num_mc, mc = it % job.num_mc;
    const int64_t i0 = mc * job.mc_rows, i1 = std::min(job.m, i0 + job.mc_rows);
    const int64_t j0 = nc * job.nc_rows, j1 = std::min(job.n, j0 + job.nc_rows);
    if (job.packed) {
      packed_chunk(job, i0, i1, j0 / qmm::kPackRows, (j1 + qmm::kPackRows - 1) / qmm::kPackRows);
      continue;
    }
    switch (job.format) {
      case BlockFormat::kQ8_0:
        chunk<IntTiles, KQ8_0>(job, i0, i1, j0, j1);
        break;
      case BlockFormat::kQ4_0:
        chunk<IntTiles, KQ4_0>(job, i0, i1, j0, j1);
        break;
      case BlockFormat::kM0E4:
        chunk<IntTiles, KM0E4>(job, i0, i1, j0, j1);
        break;
      case BlockFormat::kQ4_K:
        chunk<IntTiles, KQ4_K>(job, i0, i1, j0, j1);
        break;
      case BlockFormat::kQ6_K:
        chunk<IntTiles, KQ6_K>(job, i0, i1, j0, j1);
        break;
      case BlockFormat::kF16:
        chunk<FloatTiles<hwy::float16_t>, void>(job, i0, i1, j0, j1);
        break;
      case BlockFormat::kBF16:
        chunk<FloatTiles<hwy::bfloat16_t>, void>(job, i0, i1, j0, j1);
        break;
      default:
        break;
    }
  }
}

HWY_ATTR const char* QmmTargetName() {
  return hwy::TargetName(HWY_TARGET);
}

}  // namespace
}  // namespace HWY_NAMESPACE
}  // namespace odin::cpu
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace odin::cpu {

HWY_EXPORT(QmmQuantizeRows);
HWY_EXPORT(QmmMatmulItems);
HWY_EXPORT(QmmTargetName);

namespace {

bool integer_format(BlockFormat f) {
  return f == BlockFormat::kQ8_0 || f == BlockFormat::kQ4_0 || f == BlockFormat::kQ4_K ||
         f == BlockFormat::kQ6_K || f == BlockFormat::kM0E4;
}

int64_t round_up(int64_t v, int64_t to) {
  return (v + to - 1) / to * to;
}

qmm::Layout make_layout(BlockFormat f, int64_t k) {
  qmm::Layout lay;
  if (!integer_format(f)) return lay;
  const bool kq = f == BlockFormat::kQ4_K || f == BlockFormat::kQ6_K;
  const int64_t block = kq ? 256 : 32;
  // Widest step of any target: 4 blocks (Q8_0, Q4_0, M0E4), 1 (K-quants).
  const int64_t step = kq ? 256 : 128;
  lay.k_pad = round_up(k, step);
  const int64_t blocks = lay.k_pad / block, steps = lay.k_pad / step;
  int64_t off = round_up(lay.k_pad, 64);
  lay.dx_off = off;
  off = round_up(off + blocks * 4, 64);
  if (!kq) {
    lay.dxe_off = off;
    off += steps * 64;
    lay.corr_off = off;
    off += steps * 64;
  } else {
    lay.aux_off = off;
    off += blocks * 64;  // 16 floats or int32 per block
  }
  lay.stride = round_up(off, 64);
  return lay;
}

}  // namespace

bool quant_matmul_supports(BlockFormat format) {
  return integer_format(format) || format == BlockFormat::kF16 || format == BlockFormat::kBF16;
}

Status check_quant_matmul(const QuantMatmul& w) {
  if (!quant_matmul_supports(w.format))
    return make_error(StatusCode::kInvalidArgument, "quant_matmul: no kernel for format ",
                      block_format_info(w.format).name);
  const int64_t row_bytes = block_row_bytes(w.format, w.k);
  if (w.k <= 0 || row_bytes < 0)
    return make_error(StatusCode::kInvalidArgument, "quant_matmul: k = ", w.k,
                      " is not a positive multiple of ", block_format_info(w.format).name,
                      "'s block of ", block_format_info(w.format).block_elements);
  if (w.n < 0) return make_error(StatusCode::kInvalidArgument, "quant_matmul: n = ", w.n);
  if (w.n > 0 && !w.weights)
    return make_error(StatusCode::kInvalidArgument, "quant_matmul: null weights");
  if (w.n > 0 && row_bytes > std::numeric_limits<int64_t>::max() / w.n)
    return make_error(StatusCode::kInvalidArgument, "quant_matmul: n x k too large");
  return Status::ok_status();
}

size_t quant_matmul_scratch_bytes(const QuantMatmul& w, int64_t m, int /*num_threads*/) {
  if (!check_quant_matmul(w).ok() || !integer_format(w.format) || m <= 0) return 0;
  // Rows up to a multiple of the AMX tile's 16, which reads them (zeroed).
  return static_cast<size_t>(round_up(m, qmm::kAmxRows) * make_layout(w.format, w.k).stride + 64);
}

namespace {

// Both entry points: `weights` is GGUF rows, or prepack's layout (packed).
Status run(const QuantMatmul& w, bool packed, const float* x, int64_t m, float* y, void* scratch,
           ThreadPool& pool) {
  if (m < 0) return make_error(StatusCode::kInvalidArgument, "quant_matmul: m = ", m);
  if (m == 0 || w.n == 0) return Status::ok_status();
  if (!x || !y) return make_error(StatusCode::kInvalidArgument, "quant_matmul: null x or y");
  const bool quantized = integer_format(w.format);
  if (quantized && !scratch)
    return make_error(StatusCode::kInvalidArgument, "quant_matmul: null scratch");

  qmm::Job job{};
  job.format = w.format;
  job.w = w.weights;
  job.row_bytes = block_row_bytes(w.format, w.k);
  job.n = w.n;
  job.k = w.k;
  job.bias = w.bias;
  job.x = x;
  job.m = m;
  job.y = y;
  job.lay = make_layout(w.format, w.k);
  job.packed = packed;
  if (quantized) {
    const auto base = reinterpret_cast<uintptr_t>(scratch);
    job.acts = reinterpret_cast<uint8_t*>((base + 63) & ~uintptr_t{63});
    pool.parallel_for(m, std::max<int64_t>(1, 8192 / w.k), [&](int64_t r0, int64_t r1, int) {
      HWY_DYNAMIC_DISPATCH(QmmQuantizeRows)(job, r0, r1);
    });
  }
  // Work items: mc_rows rows of x by nc_rows rows of W, W-major so that a
  // thread's consecutive items share W rows (in its L2). GEMV: one tile of W.
  // AMX: 16-row tiles of x, and taller items to spread each group's decode.
  const bool amx = packed && m >= qmm::kAmxMinRows && qmm::amx_enabled();
  const int64_t tile = packed ? qmm::kPackRows : 4;
  if (amx) {
    const int64_t padded = round_up(m, qmm::kAmxRows);
    std::memset(job.acts + m * job.lay.stride, 0,
                static_cast<size_t>((padded - m) * job.lay.stride));
    job.mc_rows = std::min<int64_t>(padded, 128);
    job.nc_rows = 32;
  } else {
    job.mc_rows = m <= 4 ? m : std::min<int64_t>(round_up(m, 4), 64);
    job.nc_rows = m <= 4 ? tile : std::max<int64_t>(tile, 32);
  }
  job.num_mc = (m + job.mc_rows - 1) / job.mc_rows;
  const int64_t items = job.num_mc * ((w.n + job.nc_rows - 1) / job.nc_rows);
  // Chunks of at least ~64K multiply-adds keep the hand-out cost small.
  const int64_t per_item = job.mc_rows * job.nc_rows * w.k;
  pool.parallel_for(items, std::max<int64_t>(1, (int64_t{1} << 16) / per_item),
                    [&](int64_t i0, int64_t i1, int) {
                      if (!amx || !qmm::amx_packed_items(job, i0, i1))
                        HWY_DYNAMIC_DISPATCH(QmmMatmulItems)(job, i0, i1);
                    });
  return Status::ok_status();
}

QuantMatmul as_plain(const PackedQuantMatmul& p) {
  return {p.format, p.bytes(), p.n, p.k, p.bias};
}

}  // namespace

Status quant_matmul(const QuantMatmul& w, const float* x, int64_t m, float* y, void* scratch,
                    ThreadPool& pool) {
  ODIN_RETURN_IF_ERROR(check_quant_matmul(w));
  return run(w, false, x, m, y, scratch, pool);
}

bool quant_matmul_prepack_supports(BlockFormat format) {
  return format == BlockFormat::kQ8_0 || format == BlockFormat::kQ4_0 ||
         format == BlockFormat::kQ4_K || format == BlockFormat::kQ6_K ||
         format == BlockFormat::kM0E4;
}

namespace {

// Packs the 16 rows of group g (rows past n stay zero).
void pack_group(const QuantMatmul& w, int64_t g, uint8_t* group) {
  const BlockFormatInfo& info = block_format_info(w.format);
  const int64_t blocks = w.k / info.block_elements, row_bytes = block_row_bytes(w.format, w.k);
  for (int64_t j = g * qmm::kPackRows; j < std::min(w.n, (g + 1) * qmm::kPackRows); ++j) {
    const int r = static_cast<int>(j % qmm::kPackRows);
    qmm::pack_row(w.format, w.weights + j * row_bytes, blocks, group, r);
  }
}

}  // namespace

Status prepack_quant_matmul(const QuantMatmul& w, PackedQuantMatmul* out, WeightArena* arena,
                            ThreadPool* pool) {
  ODIN_RETURN_IF_ERROR(check_quant_matmul(w));
  if (!quant_matmul_prepack_supports(w.format))
    return make_error(StatusCode::kUnsupported, "prepack_quant_matmul: no packed layout for ",
                      block_format_info(w.format).name);
  const BlockFormatInfo& info = block_format_info(w.format);
  const int64_t groups = (w.n + qmm::kPackRows - 1) / qmm::kPackRows;
  const int64_t group_bytes = w.k / info.block_elements * qmm::packed_block_bytes(w.format);
  out->format = w.format;
  out->n = w.n;
  out->k = w.k;
  out->bias = w.bias;
  out->data.resize(static_cast<size_t>((groups * group_bytes + 3) / 4), arena);  // zeroed
  auto* dst = reinterpret_cast<uint8_t*>(out->data.data());
  if (!pool) {
    for (int64_t g = 0; g < groups; ++g) pack_group(w, g, dst + g * group_bytes);
    return Status::ok_status();
  }
  pool->parallel_for(groups, 4, [&](int64_t begin, int64_t end, int) {
    for (int64_t g = begin; g < end; ++g) pack_group(w, g, dst + g * group_bytes);
  });
  return Status::ok_status();
}

size_t quant_matmul_scratch_bytes(const PackedQuantMatmul& w, int64_t m, int num_threads) {
  return quant_matmul_scratch_bytes(as_plain(w), m, num_threads);
}

Status quant_matmul(const PackedQuantMatmul& w, const float* x, int64_t m, float* y, void* scratch,
                    ThreadPool& pool) {
  if (!quant_matmul_prepack_supports(w.format) || (w.n > 0 && !w.data.data()))
    return make_error(StatusCode::kInvalidArgument, "quant_matmul: not a prepacked matrix");
  const QuantMatmul plain = as_plain(w);
  ODIN_RETURN_IF_ERROR(check_quant_matmul(plain));
  return run(plain, true, x, m, y, scratch, pool);
}

bool quant_matmul_prepack_pays(BlockFormat format) {
  return quant_matmul_prepack_supports(format) &&
         std::string_view(quant_matmul_target()).starts_with("AVX3");
}

const char* quant_matmul_target() {
  return HWY_DYNAMIC_DISPATCH(QmmTargetName)();
}

}  // namespace odin::cpu
#endif  // HWY_ONCE
