#include "kernels/cpu/int8_gemm_amx.h"

#include <atomic>

#include "kernels/cpu/amx.h"

#if ODIN_HAVE_AMX
#include <immintrin.h>
#endif

namespace odin::cpu {
namespace {
std::atomic<uint64_t> g_calls{0};
}  // namespace

uint64_t int8_amx_calls() {
  return g_calls.load(std::memory_order_relaxed);
}

void int8_amx_note_call() {
  g_calls.fetch_add(1, std::memory_order_relaxed);
}

#if ODIN_HAVE_AMX
namespace {

// Tiles: 0 A (16 rows x 64 bytes of k), 1 A's last k bytes (k_pad % 64),
// 2 and 3 two panels' B for 64 bytes of k, 4 and 5 for the last ones, 6 and
// 7 the two panels' 16 x 16 sums.
TileConfig sums_config(int64_t tail) {
  TileConfig c;
  c.rows[0] = 16;
  c.colsb[0] = 64;
  for (int t : {2, 3, 6, 7}) {
    c.rows[t] = 16;
    c.colsb[t] = 64;
  }
  if (tail) {
    c.rows[1] = 16;
    c.colsb[1] = static_cast<uint16_t>(tail);
    for (int t : {4, 5}) {
      c.rows[t] = static_cast<uint8_t>(tail / 4);
      c.colsb[t] = 64;
    }
  }
  return c;
}

// Sums 6 (and 7 for a pair) += A tile kA (loaded from a) times the panels'
// B tiles kB0 (and kB1), loaded from b0 (and b1). A macro: the tile
// intrinsics take their tile numbers as literals.
#define ODIN_AMX_MULTIPLY(kA, kB0, kB1, a, lda, b0, b1, pair) \
  do {                                                        \
    _tile_loadd(kA, a, lda);                                  \
    _tile_loadd(kB0, b0, 64);                                 \
    _tile_dpbusd(6, kA, kB0);                                 \
    if (pair) {                                               \
      _tile_loadd(kB1, b1, 64);                               \
      _tile_dpbusd(7, kA, kB1);                               \
    }                                                         \
  } while (0)

}  // namespace

ODIN_AMX_ATTR void int8_amx_sums(const uint8_t* a, int64_t lda, const Int8PackedWeights& w,
                                 int64_t p0, int64_t p1, int32_t* c, int64_t ldc) {
  const int64_t chunks = w.k_pad / 64, tail = w.k_pad % 64;
  amx_load_config(sums_config(tail));
  const auto* packed = reinterpret_cast<const int8_t*>(w.data.data());
  const int64_t panel = w.k_pad * kInt8Panel;
  const auto stride_a = static_cast<long>(lda);
  const long stride_c = static_cast<long>(ldc * sizeof(int32_t));
  // A chunk of 64 bytes of k is 16 groups: 16 rows of B, 1024 bytes.
  constexpr int64_t kChunkB = 1024;
  for (int64_t p = p0; p < p1; p += 2) {
    const bool pair = p + 1 < p1;
    const int8_t* b0 = packed + p * panel;
    const int8_t* b1 = b0 + panel;
    _tile_zero(6);
    _tile_zero(7);
    for (int64_t k = 0; k < chunks; ++k)
      ODIN_AMX_MULTIPLY(0, 2, 3, a + 64 * k, stride_a, b0 + kChunkB * k, b1 + kChunkB * k, pair);
    if (tail)
      ODIN_AMX_MULTIPLY(1, 4, 5, a + 64 * chunks, stride_a, b0 + kChunkB * chunks,
                        b1 + kChunkB * chunks, pair);
    int32_t* out = c + (p - p0) * kInt8Panel;
    _tile_stored(6, out, stride_c);
    if (pair) _tile_stored(7, out + kInt8Panel, stride_c);
  }
#undef ODIN_AMX_MULTIPLY
  // The tiles stay configured for the next call (amx_load_config).
}

#else

void int8_amx_sums(const uint8_t*, int64_t, const Int8PackedWeights&, int64_t, int64_t, int32_t*,
                   int64_t) {}  // amx_enabled() is false here: never called

#endif

}  // namespace odin::cpu
