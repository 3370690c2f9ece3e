// int8 depthwise convolution on AVX-512 VNNI + VBMI (int8_depthwise_vnni.h).
// Compiled per Highway target like the other int8 kernels; only AVX3_DL
// (which has VBMI, and VNNI through inline assembly) has a body, the others
// report the kernel unsupported.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "kernels/cpu/int8_depthwise_vnni.cpp"
// Highway 1.0 compiles the AVX3_DL target (VNNI) only on request.
#ifndef HWY_WANT_AVX3_DL
#define HWY_WANT_AVX3_DL 1
#endif
#include "kernels/cpu/int8_depthwise_vnni.h"

#include <algorithm>
#include <cstring>
#include <type_traits>
#include <vector>

#include "hwy/foreach_target.h"  // IWYU pragma: keep
#include "hwy/highway.h"
#include "kernels/cpu/int8_requant-inl.h"
#include "kernels/cpu/row_cache.h"

HWY_BEFORE_NAMESPACE();
namespace odin::cpu {
namespace HWY_NAMESPACE {
namespace {

#if HWY_TARGET == HWY_AVX3_DL
constexpr int64_t kBlock = 16;  // channels per block: one int32 vector of sums

// Input rows as [block][cols][16] uint8 x + 128 with the padding columns
// in place, cached (rows outside the image: the zero point's value).
struct BlockedRows {
  int64_t cols = 0, blocks = 0;
  // Bytes a column of the last block holds: 16, or 8 when it runs at half
  // width (half_width); the other blocks hold 16.
  int64_t last_width = kBlock;
  int64_t width(int64_t b) const { return b + 1 == blocks ? last_width : kBlock; }
  int64_t pitch() const { return (blocks - 1) * cols * kBlock + cols * last_width; }
  RowCache<uint8_t>* cache = nullptr;
};

const uint8_t* blocked_row(const Int8DepthwiseParams& p, const int8_t* img, int64_t iy,
                           BlockedRows& r) {
  if (iy < 0 || iy >= p.in_h) return r.cache->outside();
  bool cached = false;
  uint8_t* dst = r.cache->slot(iy, &cached);
  if (cached) return dst;
  const auto pad = static_cast<uint8_t>(p.in_zero + 128);
  // Columns [j0, j1) inside the input.
  const int64_t j0 = std::min(r.cols, std::max<int64_t>(0, p.pad_left));
  const int64_t j1 = std::max(j0, std::min(r.cols, p.in_w + p.pad_left));
  const __m128i flip = _mm_set1_epi8(static_cast<char>(0x80));  // x + 128 as uint8
  const int64_t c = p.c;  // a local: the byte stores below may alias p
  for (int64_t b = 0; b < r.blocks; ++b) {
    const int64_t width = r.width(b);
    uint8_t* row = dst + b * r.cols * kBlock;
    std::memset(row, pad, static_cast<size_t>(j0 * width));
    std::memset(row + j1 * width, pad, static_cast<size_t>((r.cols - j1) * width));
    const int64_t c0 = b * kBlock;
    const int8_t* src = img + (iy * p.in_w + j0 - p.pad_left) * c + c0;
    if (c == kBlock) {  // the row's bytes as they are, flipped: 64 at a time
      const __m512i flip64 = _mm512_set1_epi8(static_cast<char>(0x80));
      const int64_t bytes = (j1 - j0) * kBlock;
      uint8_t* to = row + j0 * kBlock;
      int64_t i = 0;
      for (; i + 64 <= bytes; i += 64)
        _mm512_storeu_si512(to + i, _mm512_xor_si512(_mm512_loadu_si512(src + i), flip64));
      const auto rest = static_cast<__mmask64>((uint64_t{1} << (bytes - i)) - 1);  // < 64
      _mm512_mask_storeu_epi8(to + i, rest,
                              _mm512_xor_si512(_mm512_maskz_loadu_epi8(rest, src + i), flip64));
      continue;
    }
    // Channels past c meet zero weights; masked loads read none of them.
    const auto mask = static_cast<__mmask16>((1u << std::min(width, c - c0)) - 1);
    for (int64_t j = j0; j < j1; ++j, src += c) {
      const __m128i x = _mm_xor_si128(_mm_maskz_loadu_epi8(mask, src), flip);
      if (width == kBlock)
        _mm_storeu_si128(reinterpret_cast<__m128i*>(row + j * kBlock), x);
      else
        _mm_storel_epi64(reinterpret_cast<__m128i*>(row + j * width), x);
    }
  }
  return dst;
}

// Sums of one block's 16 channels (at `offset` in each row) for kN output
// pixels, col0 the padded column of the first: per window row and quad of
// taps, 4 columns [col, col + 4) of the row ([4][16] bytes) permuted to
// [16][4], times the quad's weights. kKh, kQuads, kStride: 0 when known
// only at run time.
template <int kN, int kKh, int kQuads, int kStride>
HWY_INLINE void block_sums(const uint8_t* const* rows, int64_t offset, const int8_t* w,
                           int64_t kh_any, int64_t quads_any, int64_t col0, int64_t stride_any,
                           __m512i perm, __m512i* acc) {
  const int64_t kh = kKh ? kKh : kh_any, quads = kQuads ? kQuads : quads_any;
  const int64_t stride = kStride ? kStride : stride_any;
  for (int i = 0; i < kN; ++i) acc[i] = _mm512_setzero_si512();
  for (int64_t ky = 0; ky < kh; ++ky) {
    const uint8_t* row = rows[ky] + offset + col0 * kBlock;
    for (int64_t j = 0; j < quads; ++j) {
      const __m512i wv = _mm512_load_si512(w + (ky * quads + j) * 64);
      for (int i = 0; i < kN; ++i) {
        const uint8_t* x = row + (i * stride + 4 * j) * kBlock;
        const __m512i xv = _mm512_permutexvar_epi8(perm, _mm512_loadu_si512(x));
        acc[i] = dpbusd(acc[i], xv, wv);
      }
    }
  }
}

// One block's inputs and outputs along an output row.
struct BlockRun {
  const uint8_t* const* rows;
  int64_t offset;  // of the block in each row
  const int8_t* weights;
  const RequantLanes& tables;
  uint8_t* dst;  // the block's first channel of output pixel 0
  size_t n;      // channels of the block
  bool out_unsigned;
};

// Output pixels from ox, kN at a time while kN fit; returns the next ox.
// What the loop reads is copied to locals first: its byte stores may alias
// any memory, so fields read through references would be reloaded after
// each.
template <int kN, int kKh, int kQuads, int kStride>
HWY_INLINE int64_t run_pixels(const Int8DepthwiseParams& p, const Int8DepthwiseVnni& w,
                              const BlockRun& b, __m512i perm, int64_t ox) {
  const int64_t out_w = p.out_w, stride = kStride ? kStride : p.stride_w, c = p.c, kh = p.k_h;
  const int64_t quads = w.quads, offset = b.offset;
  const size_t n = b.n;
  const bool out_unsigned = b.out_unsigned;
  const UnclampedLanes fast(b.tables);
  const auto requant = [&](__m512i sums) {
    return fast.active ? fast(VI32{sums}) : requantize(VI32{sums}, b.tables);
  };
  const int8_t* const weights = b.weights;
  uint8_t* const dst0 = b.dst;
  constexpr int kRows = kKh ? kKh : 1;
  const uint8_t* rows_fixed[kRows];
  if constexpr (kKh != 0)
    for (int k = 0; k < kKh; ++k) rows_fixed[k] = b.rows[k];
  const uint8_t* const* rows = kKh ? rows_fixed : b.rows;
  __m512i acc[kN];
  for (; ox + kN <= out_w; ox += kN) {
    block_sums<kN, kKh, kQuads, kStride>(rows, offset, weights, kh, quads, ox * stride, stride,
                                         perm, acc);
    int i = 0;
    if constexpr (kN % 4 == 0) {
      HWY_UNROLL(2)
      for (; i < kN; i += 4) {
        VI32 v[4];
        uint8_t* dst[4];
        const size_t len[4] = {n, n, n, n};
        HWY_UNROLL(4)
        for (int j = 0; j < 4; ++j) {
          v[j] = requant(acc[i + j]);
          dst[j] = dst0 + (ox + i + j) * c;
        }
        store_bytes4_to(v, out_unsigned, dst, len);
      }
    }
    for (; i < kN; ++i) store_bytes(requant(acc[i]), out_unsigned, dst0 + (ox + i) * c, n);
  }
  return ox;
}

// A last block of at most 8 channels on 256-bit vectors (its rows 8 bytes
// a column; the first half of its 64-byte weight groups): on Zen 4 a
// 512-bit vpdpbusd, vpermb or float operation costs two 256-bit ones, so a
// half-empty 512-bit block wastes half the work (8, 24, 40 channels).
// Int8Requant::float_unclamped only.
bool half_width(const Int8DepthwiseParams& p, const Int8DepthwiseVnni& w) {
  return p.c - (w.blocks - 1) * kBlock <= kBlock / 2 && w.q.float_unclamped();
}

// Block b (the last, at half width) of one output row.
template <int kKh, int kQuads>
HWY_INLINE void block_half(const Int8DepthwiseParams& p, const Int8DepthwiseVnni& w,
                           const uint8_t* const* rows_all, const BlockedRows& r, int64_t b,
                           uint8_t* dst_row) {
  constexpr int64_t kWidth = kBlock / 2;
  // Byte 4l + k of the result: byte 8k + l of the 4 columns (column k,
  // channel l).
  alignas(32) uint8_t order[32];
  for (int l = 0; l < 8; ++l)
    for (int k = 0; k < 4; ++k) order[4 * l + k] = static_cast<uint8_t>(8 * k + l);
  const __m256i perm = _mm256_load_si256(reinterpret_cast<const __m256i*>(order));
  const int64_t c0 = b * kBlock, c = p.c;
  const HalfTables tables(w.q, c0);
  const auto mask = static_cast<__mmask8>((1u << (c - c0)) - 1);
  const bool out_unsigned = w.q.out_unsigned;
  const int64_t kh = kKh ? kKh : p.k_h, quads = kQuads ? kQuads : w.quads;
  const auto* weights = reinterpret_cast<const int8_t*>(w.weights.data()) + b * kh * quads * 64;
  const int64_t out_w = p.out_w, stride = p.stride_w;
  // The block's part of each row: blocks before it hold 16 bytes a column.
  const int64_t offset = b * r.cols * kBlock;
  uint8_t* dst = dst_row + c0;
  // kN pixels' sums (from ox), requantized and stored.
  const auto pixels = [&](auto count, int64_t ox) {
    constexpr int kN = decltype(count)::value;
    __m256i acc[kN];
    for (int i = 0; i < kN; ++i) acc[i] = _mm256_setzero_si256();
    for (int64_t ky = 0; ky < kh; ++ky)
      for (int64_t j = 0; j < quads; ++j) {
        const __m256i wv =
            _mm256_load_si256(reinterpret_cast<const __m256i*>(weights + (ky * quads + j) * 64));
        const uint8_t* x = rows_all[ky] + offset + (ox * stride + 4 * j) * kWidth;
        for (int i = 0; i < kN; ++i) {
          const __m256i v =
              _mm256_loadu_si256(reinterpret_cast<const __m256i*>(x + i * stride * kWidth));
          acc[i] = dpbusd(acc[i], _mm256_permutexvar_epi8(perm, v), wv);
        }
      }
    for (int i = 0; i < kN; ++i) store_half(acc[i], tables, mask, out_unsigned, dst + (ox + i) * c);
  };
  // 8 pixels in flight (chains of dependent vpdpbusd), then one at a time.
  int64_t ox = 0;
  for (; ox + 8 <= out_w; ox += 8) pixels(std::integral_constant<int, 8>{}, ox);
  for (; ox < out_w; ++ox) pixels(std::integral_constant<int, 1>{}, ox);
}

template <int kKh, int kQuads, int kStride>
HWY_INLINE void output_row(const Int8DepthwiseParams& p, const Int8DepthwiseVnni& w,
                           const uint8_t* const* rows, const BlockedRows& r, uint8_t* dst) {
  // Byte 4l + k of the result: byte 16k + l of the 4 columns (column k,
  // channel l).
  alignas(64) uint8_t order[64];
  for (int l = 0; l < 16; ++l)
    for (int k = 0; k < 4; ++k) order[4 * l + k] = static_cast<uint8_t>(16 * k + l);
  const __m512i perm = _mm512_load_si512(order);
  const bool out_unsigned = w.q.out_unsigned;
  const auto* weights = reinterpret_cast<const int8_t*>(w.weights.data());
  const int64_t full = r.last_width == kBlock ? w.blocks : w.blocks - 1;
  if (full < w.blocks) block_half<kKh, kQuads>(p, w, rows, r, full, dst);
  for (int64_t b = 0; b < full; ++b) {
    const int64_t c0 = b * kBlock;
    const auto n = static_cast<size_t>(std::min(kBlock, p.c - c0));
    const RequantLanes tables(w.q, c0);
    const int8_t* wb = weights + b * p.k_h * w.quads * 64;
    const int64_t offset = b * r.cols * kBlock;
    // 8 pixels' sums in flight: each is a chain of dependent vpdpbusd
    // (5 cycles apart), so fewer leave the unit idle.
    const BlockRun run{rows, offset, wb, tables, dst + c0, n, out_unsigned};
    int64_t ox = run_pixels<8, kKh, kQuads, kStride>(p, w, run, perm, 0);
    ox = run_pixels<4, kKh, kQuads, kStride>(p, w, run, perm, ox);
    run_pixels<1, kKh, kQuads, kStride>(p, w, run, perm, ox);
  }
}

void rows_of(const Int8DepthwiseParams& p, const Int8DepthwiseVnni& w, int64_t row_begin,
             int64_t row_end) {
  const auto* in = static_cast<const int8_t*>(p.in);
  auto* out = static_cast<uint8_t*>(p.out);
  BlockedRows r;
  r.blocks = w.blocks;
  // The last pixel's last quad reads columns up to its start + 4 quads.
  r.cols = (p.out_w - 1) * p.stride_w + 4 * w.quads;
  r.last_width = half_width(p, w) ? kBlock / 2 : kBlock;
  thread_local RowCache<uint8_t> cache;
  thread_local std::vector<const uint8_t*> rows;
  cache.reset(p.k_h, r.pitch(), static_cast<uint8_t>(p.in_zero + 128));
  rows.resize(static_cast<size_t>(p.k_h));
  r.cache = &cache;
  int64_t image = -1;
  for (int64_t row = row_begin; row < row_end; ++row) {
    const int64_t n = row / p.out_h, oy = row % p.out_h;
    if (n != image) {
      image = n;
      cache.forget();
    }
    const int8_t* img = in + n * p.in_h * p.in_w * p.c;
    const int64_t iy0 = oy * p.stride_h - p.pad_top;
    for (int64_t ky = 0; ky < p.k_h; ++ky)
      rows[static_cast<size_t>(ky)] = blocked_row(p, img, iy0 + ky, r);
    uint8_t* dst = out + row * p.out_w * p.c;
    if (p.k_h == 3 && w.quads == 1 && p.stride_w == 1)
      output_row<3, 1, 1>(p, w, rows.data(), r, dst);
    else if (p.k_h == 3 && w.quads == 1 && p.stride_w == 2)
      output_row<3, 1, 2>(p, w, rows.data(), r, dst);
    else if (p.k_h == 5 && w.quads == 2 && p.stride_w == 1)
      output_row<5, 2, 1>(p, w, rows.data(), r, dst);
    else if (p.k_h == 5 && w.quads == 2 && p.stride_w == 2)
      output_row<5, 2, 2>(p, w, rows.data(), r, dst);
    else
      output_row<0, 0, 0>(p, w, rows.data(), r, dst);
  }
}
#endif

}  // namespace

HWY_ATTR bool Int8DepthwiseVnniSupported() {
  return HWY_TARGET == HWY_AVX3_DL;
}

HWY_ATTR void Int8DepthwiseVnniRows(const Int8DepthwiseParams& p, const Int8DepthwiseVnni& w,
                                    int64_t row_begin, int64_t row_end) {
#if HWY_TARGET == HWY_AVX3_DL
  rows_of(p, w, row_begin, row_end);
#else
  (void)p, (void)w, (void)row_begin, (void)row_end;  // packed only where supported
#endif
}

}  // namespace HWY_NAMESPACE
}  // namespace odin::cpu
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace odin::cpu {

HWY_EXPORT(Int8DepthwiseVnniSupported);
HWY_EXPORT(Int8DepthwiseVnniRows);

bool int8_depthwise_vnni_supported() {
  return HWY_DYNAMIC_DISPATCH(Int8DepthwiseVnniSupported)();
}

void int8_depthwise_vnni_rows(const Int8DepthwiseParams& p, const Int8DepthwiseVnni& w,
                              int64_t row_begin, int64_t row_end) {
  HWY_DYNAMIC_DISPATCH(Int8DepthwiseVnniRows)(p, w, row_begin, row_end);
}

Int8DepthwiseVnni pack_int8_depthwise_vnni(const int8_t* filter, int64_t k_h, int64_t k_w,
                                           int64_t c, const Int8Requant& q, int32_t in_zero,
                                           WeightArena* arena) {
  constexpr int64_t kBlock = 16;
  Int8DepthwiseVnni w;
  w.blocks = (c + kBlock - 1) / kBlock;
  w.quads = (k_w + 3) / 4;
  const int64_t bytes = w.blocks * k_h * w.quads * 64;
  w.weights.resize(static_cast<size_t>((bytes + 3) / 4), arena);
  auto* dst = reinterpret_cast<int8_t*>(w.weights.data());
  std::memset(dst, 0, static_cast<size_t>(bytes));  // taps past k_w, channels past c
  w.q = q;
  for (int64_t ch = 0; ch < c; ++ch) {
    int64_t sum = 0;
    for (int64_t ky = 0; ky < k_h; ++ky)
      for (int64_t kx = 0; kx < k_w; ++kx) {
        const int8_t v = filter[(ky * k_w + kx) * c + ch];
        sum += v;
        dst[((ch / kBlock * k_h + ky) * w.quads + kx / 4) * 64 + ch % kBlock * 4 + kx % 4] = v;
      }
    // Modulo 2^32, as the kernel's sums (the layer's true sums fit).
    int32_t& b = w.q.bias[static_cast<size_t>(ch)];
    b = static_cast<int32_t>(static_cast<uint32_t>(b - (int64_t{in_zero} + 128) * sum));
  }
  return w;
}

}  // namespace odin::cpu
#endif  // HWY_ONCE
