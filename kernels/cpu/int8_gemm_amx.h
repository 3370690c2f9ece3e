// The int8 GEMM's sums on AMX tiles (TDPBUSD: uint8 activations times int8
// weights into int32): the kU8S8 layout's panels are AMX B tiles as they
// are (k_pad / 4 rows of 16 channels x 4 bytes), so nothing is repacked.
// The requantization stays with the other int8 kernels (int8_gemm.cpp).
#pragma once

#include <cstdint>

#include "kernels/cpu/int8_kernels.h"

namespace odin::cpu {

// Rows of A one call takes: one tile.
constexpr int64_t kAmxTileRows = 16;
// Depth (w.k_pad) from which the tiles beat VNNI: below it the time is the
// requantization's either way and the tile traffic is extra (measured on a
// Sapphire Rapids guest: k 16 0.7-0.9x of VNNI, 32 1.0-1.2x, 64 1.4-1.6x,
// 128 and more 1.9-2.3x).
constexpr int64_t kAmxMinDepth = 64;

// The int32 sums of 16 rows of A (row r at a + r * lda, w.k_pad bytes of
// x + 128) against panels [p0, p1) of w (kU8S8): channel j of panel p of
// row r at c[r * ldc + (p - p0) * 16 + j]. Only where amx_enabled().
void int8_amx_sums(const uint8_t* a, int64_t lda, const Int8PackedWeights& w, int64_t p0,
                   int64_t p1, int32_t* c, int64_t ldc);
// Counts GEMM calls that took the tiles, once a call rather than once a
// tile (a shared counter on the hot path would be a contended cache line);
// tests check that the tiles were taken.
void int8_amx_note_call();
uint64_t int8_amx_calls();

}  // namespace odin::cpu
