// AMX prefill kernels (quant_matmul_amx.h).
//
// Per 16-row group of packed weights, each block is decoded once per work
// item into a strip of "sub-blocks" (the spans that share one weight scale:
// a Q8_0/Q4_0/M0E4 block, a Q4_K sub-block of 32, a Q6_K sub-block of 16): its
// values as an AMX B tile (K/4 rows of 16 columns x 4 consecutive int8,
// which is the packed layout's word order), its 16 scales as floats, and
// Q4_K's 16 mins. Offsets are applied in the decode (Q4_0 - 8, Q6_K - 32;
// M0E4's nibbles go through its value table, vpshufb), so
// every format is one signed TDPBSSD. Then for every 16 rows of x and every
// sub-block: A (16 rows x K int8 activations) times B into an int32 tile,
// stored and scaled into 16 float vectors (one per row of x, a lane per
// weight row) as the AVX-512 kernels do (accumulate).
// Two C tiles alternate so one multiply runs while the last is scaled.
#include "kernels/cpu/quant_matmul_amx.h"

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <cstring>
#include <memory>

#include "kernels/cpu/amx.h"
#include "kernels/cpu/quant_pack.h"

#if ODIN_HAVE_AMX
#include <immintrin.h>
#endif

namespace odin::cpu::qmm {
namespace {

std::atomic<uint64_t> g_item_calls{0};

}  // namespace

#if ODIN_HAVE_AMX
// GCC 12's AVX-512 intrinsics start from self-initialized "undefined"
// vectors, which -Wmaybe-uninitialized reports once they are inlined (as
// Highway also silences for its targets).
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
namespace {

// A format's sub-blocks: sub_k values share one scale; a block holds `subs`.
struct Geometry {
  int sub_k = 32, subs = 1;
  int64_t block_bytes = 0;  // packed group block
  int64_t b_bytes() const { return int64_t{sub_k} * 16; }
  // B tile, then 16 float scales, then 16 float mins.
  int64_t sub_bytes() const { return b_bytes() + 128; }
};

Geometry geometry(BlockFormat f) {
  Geometry g;
  g.block_bytes = packed_block_bytes(f);
  if (f == BlockFormat::kQ4_K) g.subs = 8;
  if (f == BlockFormat::kQ6_K) {
    g.sub_k = 16;
    g.subs = 16;
  }
  return g;
}

// Tiles: 0 and 4 activations (16 rows x K bytes), 1 and 5 weights (K/4 rows
// x 64 bytes), 2 and 3 the int32 results (16 x 16).
TileConfig tile_config(const Geometry& g) {
  TileConfig c;
  for (int t : {0, 4}) {
    c.rows[t] = 16;
    c.colsb[t] = static_cast<uint16_t>(g.sub_k);
  }
  for (int t : {1, 5}) {
    c.rows[t] = static_cast<uint8_t>(g.sub_k / 4);
    c.colsb[t] = 64;
  }
  for (int t : {2, 3}) {
    c.rows[t] = 16;
    c.colsb[t] = 64;
  }
  return c;
}

ODIN_AMX_ATTR inline __m512i load512(const uint8_t* p) {
  return _mm512_loadu_si512(p);
}
ODIN_AMX_ATTR inline __m512 scales16(const uint8_t* p) {  // 16 fp16
  return _mm512_cvtph_ps(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(p)));
}
ODIN_AMX_ATTR inline void store_sub(uint8_t* sub, const Geometry& g, __m512 scale, __m512 mins) {
  _mm512_store_ps(reinterpret_cast<float*>(sub + g.b_bytes()), scale);
  _mm512_store_ps(reinterpret_cast<float*>(sub + g.b_bytes() + 64), mins);
}
// Packed nibble words (see quant_pack.h) hold values 8t+i (low nibble) and
// 8t+4+i (high): B rows 2t and 2t+1, minus `offset`.
ODIN_AMX_ATTR inline void nibble_rows(const uint8_t* words, int vectors, int offset, uint8_t* b) {
  const __m512i m4 = _mm512_set1_epi8(0x0F), off = _mm512_set1_epi8(static_cast<char>(offset));
  for (int t = 0; t < vectors; ++t) {
    const __m512i v = load512(words + 64 * t);
    _mm512_store_si512(b + 128 * t, _mm512_sub_epi8(_mm512_and_si512(v, m4), off));
    _mm512_store_si512(b + 128 * t + 64,
                       _mm512_sub_epi8(_mm512_and_si512(_mm512_srli_epi16(v, 4), m4), off));
  }
}

// M0E4: the same words, each nibble through kM0E4Values (signed, as TDPBSSD
// takes them).
ODIN_AMX_ATTR inline void m0e4_rows(const uint8_t* words, uint8_t* b) {
  const __m512i m4 = _mm512_set1_epi8(0x0F);
  const __m512i table =
      _mm512_broadcast_i32x4(_mm_loadu_si128(reinterpret_cast<const __m128i*>(kM0E4Values)));
  for (int t = 0; t < 4; ++t) {
    const __m512i v = load512(words + 64 * t);
    _mm512_store_si512(b + 128 * t, _mm512_shuffle_epi8(table, _mm512_and_si512(v, m4)));
    _mm512_store_si512(b + 128 * t + 64,
                       _mm512_shuffle_epi8(table, _mm512_and_si512(_mm512_srli_epi16(v, 4), m4)));
  }
}

// Byte `shift / 8` of every int32 lane, as float.
ODIN_AMX_ATTR inline __m512 byte_at(__m512i w, __m128i shift) {
  return _mm512_cvtepi32_ps(_mm512_and_si512(_mm512_srl_epi32(w, shift), _mm512_set1_epi32(0xFF)));
}

// Packed block p (16 rows) into the strip's sub-blocks `out` (g.subs of them).
ODIN_AMX_ATTR void decode_block(BlockFormat f, const Geometry& g, const uint8_t* p, uint8_t* out) {
  const __m512 zero = _mm512_setzero_ps();
  switch (f) {
    case BlockFormat::kQ8_0:
      for (int t = 0; t < 8; ++t) _mm512_store_si512(out + 64 * t, load512(p + 32 + 64 * t));
      store_sub(out, g, scales16(p), zero);
      return;
    case BlockFormat::kQ4_0:
      nibble_rows(p + 32, 4, 8, out);
      store_sub(out, g, scales16(p), zero);
      return;
    case BlockFormat::kM0E4:
      m0e4_rows(p + 32, out);
      store_sub(out, g, scales16(p), zero);
      return;
    case BlockFormat::kQ4_K: {
      const __m512 d = scales16(p), dmin = scales16(p + 32);
      // The 12 scale bytes of each row as 3 words (quant_pack.h): 6-bit
      // scales and mins of sub-blocks 0-3 in the low bits of words 0 and 1,
      // those of 4-7 from word 2's nibbles and the top 2 bits of words 0/1
      // (ggml's get_scale_min_k4 layout).
      const __m512i m6 = _mm512_set1_epi8(0x3F), m4 = _mm512_set1_epi8(0x0F);
      const __m512i m30 = _mm512_set1_epi8(0x30);
      const __m512i wa = load512(p + 64), wb = load512(p + 128), wc = load512(p + 192);
      const __m512i sc_lo = _mm512_and_si512(wa, m6), mn_lo = _mm512_and_si512(wb, m6);
      const __m512i sc_hi = _mm512_or_si512(_mm512_and_si512(wc, m4),
                                            _mm512_and_si512(_mm512_srli_epi32(wa, 2), m30));
      const __m512i mn_hi = _mm512_or_si512(_mm512_and_si512(_mm512_srli_epi32(wc, 4), m4),
                                            _mm512_and_si512(_mm512_srli_epi32(wb, 2), m30));
      for (int sb = 0; sb < 8; ++sb) {
        const __m128i sh = _mm_cvtsi32_si128(8 * (sb % 4));
        uint8_t* sub = out + sb * g.sub_bytes();
        nibble_rows(p + 256 + 256 * sb, 4, 0, sub);
        store_sub(sub, g, _mm512_mul_ps(byte_at(sb < 4 ? sc_lo : sc_hi, sh), d),
                  _mm512_mul_ps(byte_at(sb < 4 ? mn_lo : mn_hi, sh), dmin));
      }
      return;
    }
    case BlockFormat::kQ6_K: {
      const __m512 d = scales16(p);
      const __m512i m4 = _mm512_set1_epi8(0x0F), m30 = _mm512_set1_epi8(0x30);
      const __m512i m32 = _mm512_set1_epi8(32);
      for (int sb = 0; sb < 16; ++sb) {
        uint8_t* sub = out + sb * g.sub_bytes();
        const __m512 scale =
            _mm512_mul_ps(_mm512_cvtepi32_ps(_mm512_cvtepi8_epi32(
                              _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 32 + 16 * sb)))),
                          d);
        // Low 4 bits as Q4_0's words (2 vectors); the top 2 bits of values
        // 4g + i at bits 2g of byte i of the third.
        const uint8_t* w = p + 288 + 192 * sb;
        const __m512i l0 = load512(w), l1 = load512(w + 64), h = load512(w + 128);
        const __m512i q[4] = {_mm512_or_si512(_mm512_and_si512(l0, m4),
                                              _mm512_and_si512(_mm512_slli_epi16(h, 4), m30)),
                              _mm512_or_si512(_mm512_and_si512(_mm512_srli_epi16(l0, 4), m4),
                                              _mm512_and_si512(_mm512_slli_epi16(h, 2), m30)),
                              _mm512_or_si512(_mm512_and_si512(l1, m4), _mm512_and_si512(h, m30)),
                              _mm512_or_si512(_mm512_and_si512(_mm512_srli_epi16(l1, 4), m4),
                                              _mm512_and_si512(_mm512_srli_epi16(h, 2), m30))};
        for (int t = 0; t < 4; ++t) _mm512_store_si512(sub + 64 * t, _mm512_sub_epi8(q[t], m32));
        store_sub(sub, g, scale, zero);
      }
      return;
    }
    default:
      return;
  }
}

// One 16 x 16 int32 result of sub-block s into the 16 accumulators.
struct RowScales {
  const uint8_t* acts;  // row i0's scratch row
  int64_t stride, dx_off, aux_off;
  int act_subs;  // sub-blocks per activation block (dx): those of a weight block
  bool mins;     // Q4_K
};

// In the AVX-512 kernels' order of float operations (quant_matmul.cpp), so
// a row's outputs have the same bits whichever kernel computes it (batch
// invariance): a format of one sub-block a block adds sums x (scale x dx);
// Q4_K and Q6_K sum their sub-blocks' sums x scale (Q4_K: less min x the
// sub-block's activation sum) into `blk`, which end_block adds times dx.
ODIN_AMX_ATTR inline void accumulate(const RowScales& r, const uint8_t* sub, const Geometry& g,
                                     int64_t s, const int32_t* c, __m512* acc, __m512* blk) {
  const __m512 scale = _mm512_load_ps(reinterpret_cast<const float*>(sub + g.b_bytes()));
  const int64_t ab = s / r.act_subs;
  if (g.subs == 1) {
    for (int i = 0; i < 16; ++i) {
      const uint8_t* row = r.acts + i * r.stride;
      const float dx = reinterpret_cast<const float*>(row + r.dx_off)[ab];
      const __m512 v = _mm512_cvtepi32_ps(_mm512_load_si512(c + 16 * i));
      acc[i] = _mm512_fmadd_ps(v, _mm512_mul_ps(scale, _mm512_set1_ps(dx)), acc[i]);
    }
    return;
  }
  for (int i = 0; i < 16; ++i)
    blk[i] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(_mm512_load_si512(c + 16 * i)), scale, blk[i]);
  if (!r.mins) return;
  // Q4_K: - dmin * min * (sum of the sub-block's activations), the sums in
  // aux (per 256-block: the 8 sums, then dx x the sums).
  const __m512 mins = _mm512_load_ps(reinterpret_cast<const float*>(sub + g.b_bytes() + 64));
  const int64_t at = ab * 16 + s % 8;
  for (int i = 0; i < 16; ++i) {
    const float xs = reinterpret_cast<const float*>(r.acts + i * r.stride + r.aux_off)[at];
    blk[i] = _mm512_fnmadd_ps(mins, _mm512_set1_ps(xs), blk[i]);
  }
}

// After the last sub-block of weight block `ab` (formats of several):
// acc += blk x dx, and blk restarts.
ODIN_AMX_ATTR inline void end_block(const RowScales& r, int64_t ab, __m512* acc, __m512* blk) {
  for (int i = 0; i < 16; ++i) {
    const float dx = reinterpret_cast<const float*>(r.acts + i * r.stride + r.dx_off)[ab];
    acc[i] = _mm512_fmadd_ps(blk[i], _mm512_set1_ps(dx), acc[i]);
    blk[i] = _mm512_setzero_ps();
  }
}

// Rows [i0, i0 + 16) of x times the decoded strip of group `group`.
ODIN_AMX_ATTR void rows_times_strip(const Job& job, const Geometry& g, const uint8_t* strip,
                                    int64_t i0, int64_t group) {
  const int64_t subs = job.k / g.sub_k;
  const RowScales r{
      job.acts + i0 * job.lay.stride,  job.lay.stride, job.lay.dx_off, job.lay.aux_off, g.subs,
      job.format == BlockFormat::kQ4_K};
  const int64_t sb = g.sub_bytes();
  const auto* a = r.acts;
  const auto stride = static_cast<long>(r.stride);
  alignas(64) int32_t c[2][256];
  __m512 acc[16], blk[16];
  for (int i = 0; i < 16; ++i) acc[i] = blk[i] = _mm512_setzero_ps();
  const auto add = [&](const uint8_t* sub, int64_t s_at, const int32_t* sums) {
    accumulate(r, sub, g, s_at, sums, acc, blk);
    if (g.subs > 1 && (s_at + 1) % g.subs == 0) end_block(r, s_at / g.subs, acc, blk);
  };
  int64_t s = 0;
  for (; s + 1 < subs; s += 2) {
    const uint8_t* sub0 = strip + s * sb;
    const uint8_t* sub1 = sub0 + sb;
    _tile_loadd(0, a + s * g.sub_k, stride);
    _tile_loadd(1, sub0, 64);
    _tile_zero(2);
    _tile_dpbssd(2, 0, 1);
    _tile_loadd(4, a + (s + 1) * g.sub_k, stride);
    _tile_loadd(5, sub1, 64);
    _tile_zero(3);
    _tile_dpbssd(3, 4, 5);
    _tile_stored(2, c[0], 64);
    add(sub0, s, c[0]);
    _tile_stored(3, c[1], 64);
    add(sub1, s + 1, c[1]);
  }
  if (s < subs) {
    const uint8_t* sub0 = strip + s * sb;
    _tile_loadd(0, a + s * g.sub_k, stride);
    _tile_loadd(1, sub0, 64);
    _tile_zero(2);
    _tile_dpbssd(2, 0, 1);
    _tile_stored(2, c[0], 64);
    add(sub0, s, c[0]);
  }
  const int64_t j0 = group * kPackRows;
  const auto cols = static_cast<int>(std::min<int64_t>(kPackRows, job.n - j0));
  const auto valid = static_cast<__mmask16>((1u << cols) - 1);
  const __m512 bias = job.bias ? _mm512_maskz_loadu_ps(valid, job.bias + j0) : _mm512_setzero_ps();
  const int64_t rows = std::min<int64_t>(16, job.m - i0);
  for (int64_t i = 0; i < rows; ++i)
    _mm512_mask_storeu_ps(job.y + (i0 + i) * job.n + j0, valid, _mm512_add_ps(acc[i], bias));
}

struct AlignedFree {
  void operator()(uint8_t* p) const { std::free(p); }
};

// The calling thread's strip buffer, at least `bytes`, 64-byte aligned.
uint8_t* strip_buffer(size_t bytes) {
  thread_local std::unique_ptr<uint8_t, AlignedFree> buf;
  thread_local size_t size = 0;
  if (size < bytes) {
    const size_t want = (bytes + 4095) / 4096 * 4096;
    buf.reset(static_cast<uint8_t*>(std::aligned_alloc(64, want)));
    size = buf ? want : 0;
  }
  return buf.get();
}

ODIN_AMX_ATTR bool run_items(const Job& job, int64_t it0, int64_t it1) {
  const Geometry g = geometry(job.format);
  const int64_t blocks = job.k / (int64_t{g.sub_k} * g.subs);
  const int64_t group_bytes = blocks * g.block_bytes;
  const int64_t block_strip = g.subs * g.sub_bytes();
  uint8_t* strip = strip_buffer(static_cast<size_t>(blocks * block_strip));
  if (!strip) return false;
  const TileConfig cfg = tile_config(g);
  amx_load_config(cfg);
  for (int64_t it = it0; it < it1; ++it) {
    const int64_t nc = it / job.num_mc, mc = it % job.num_mc;
    const int64_t i0 = mc * job.mc_rows, i1 = std::min(job.m, i0 + job.mc_rows);
    const int64_t j0 = nc * job.nc_rows, j1 = std::min(job.n, j0 + job.nc_rows);
    for (int64_t grp = j0 / kPackRows; grp < (j1 + kPackRows - 1) / kPackRows; ++grp) {
      const uint8_t* gp = job.w + grp * group_bytes;
      for (int64_t b = 0; b < blocks; ++b)
        decode_block(job.format, g, gp + b * g.block_bytes, strip + b * block_strip);
      for (int64_t i = i0; i < i1; i += kAmxRows) rows_times_strip(job, g, strip, i, grp);
    }
  }
  amx_release();
  return true;
}

}  // namespace

bool amx_packed_items(const Job& job, int64_t it0, int64_t it1) {
  g_item_calls.fetch_add(1, std::memory_order_relaxed);
  return run_items(job, it0, it1);
}

#pragma GCC diagnostic pop
#else

bool amx_packed_items(const Job&, int64_t, int64_t) {
  return false;
}

#endif  // ODIN_HAVE_AMX

uint64_t amx_item_calls() {
  return g_item_calls.load(std::memory_order_relaxed);
}

}  // namespace odin::cpu::qmm
