// Prefill (m > 1) on Intel AMX tiles for prepacked block-quantized weights:
// the integer block dot products are one tile multiply (TDPBSSD, int8 x
// int8 -> int32, 16 x 16 outputs by 32 values) instead of 256 VNNI lanes,
// with the same quantized activations and the same float operations in the
// same order as the AVX-512 kernels (so the same bits: batch invariance).
#pragma once

#include <cstdint>

#include "kernels/cpu/amx.h"
#include "kernels/cpu/quant_matmul_job.h"

namespace odin::cpu::qmm {

// Rows of x from which the tiles beat AVX-512: a tile is 16 rows, and fewer
// leave it partly idle.
constexpr int64_t kAmxMinRows = 8;
// Activation rows come 16 at a time: scratch holds m rounded up to this.
constexpr int64_t kAmxRows = 16;

// Whether the AMX kernels run, and the switch for tests (amx.h).
using cpu::amx_enabled;
using cpu::set_amx_allowed;

// Work items [it0, it1) of a packed job (Q8_0, Q4_0, M0E4, Q4_K, Q6_K) whose
// mc_rows are a multiple of kAmxRows and whose scratch rows run to m
// rounded up to kAmxRows (the rows past m zero). Only when amx_enabled().
// False, computing nothing, when its buffer cannot be allocated (the
// caller then runs the items on the other kernels).
bool amx_packed_items(const Job& job, int64_t it0, int64_t it1);
// How many amx_packed_items calls ran (tests check that AMX was taken).
uint64_t amx_item_calls();

}  // namespace odin::cpu::qmm
