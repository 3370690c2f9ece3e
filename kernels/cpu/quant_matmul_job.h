// What quant_matmul's kernels share: the quantized activations' layout in
// scratch and one call's job (the Highway targets and the AMX kernels).
#pragma once

#include <cstdint>

#include "quant/block_quant.h"

namespace odin::cpu::qmm {

// One quantized activation row in scratch (byte offsets from the row start;
// every array 64-byte aligned, the row stride too).
//   qs:   k_pad int8 values (in the target's order, zero past k)
//   dx:   float per activation block (32 or 256 values)
//   dxe:  Q8_0 / Q4_0 / M0E4 on AVX-512: per step, dx repeated over the int32 lanes
//         that step's blocks fill
//   corr: Q8_0 / Q4_0 / M0E4 on AVX-512: per step, the int32 start values (the
//         offset correction); packed weights: one per block
//   aux:  per 256-block, 16 values: Q4_K: float, 8 zeros (packed: the sums
//         of each 32 q) then dx * (sum of each 32 q); Q6_K: int32, -32 *
//         (sum of each 16 q), in the kernel's order
// Packed weights read the values in natural order.
struct Layout {
  int64_t k_pad = 0, dx_off = 0, dxe_off = 0, corr_off = 0, aux_off = 0, stride = 0;
};

// The 32-value formats on AVX-512 multiply unsigned weights (u8 x s8):
// w + offset (Q8_0 on VNNI: w + 128; Q4_0: the nibble, w + 8; M0E4: w + 64,
// 0..128), the offset undone by the start value -offset * (sum of x).
inline int32_t unsigned_offset(BlockFormat f) {
  return f == BlockFormat::kQ8_0 ? 128 : f == BlockFormat::kM0E4 ? 64 : 8;
}

// M0E4's codes as value + 64: the 16-byte table the kernels look nibbles up in.
struct M0E4Table {
  alignas(16) uint8_t v[16];
};
constexpr M0E4Table m0e4_unsigned_table() {
  M0E4Table t{};
  for (int c = 0; c < 16; ++c) t.v[c] = static_cast<uint8_t>(kM0E4Values[c] + 64);
  return t;
}
inline constexpr M0E4Table kM0E4Unsigned = m0e4_unsigned_table();

struct Job {
  BlockFormat format;
  const uint8_t* w;
  int64_t row_bytes, n, k;
  const float* bias;
  const float* x;  // F16 / BF16 read x directly
  int64_t m;
  float* y;
  uint8_t* acts;  // quantized rows, lay.stride apart
  Layout lay;
  int64_t mc_rows, nc_rows, num_mc;  // work item = mc_rows x nc_rows outputs
  bool packed;                       // w is prepack_quant_matmul's layout
};

}  // namespace odin::cpu::qmm
