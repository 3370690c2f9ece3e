// int8 depthwise convolution on AVX-512 VNNI + VBMI (x86; Ice Lake, Zen 4
// and later): four horizontal taps of one channel per int32 lane, summed by
// one vpdpbusd. Each input row is copied once into 16-channel blocks of
// uint8 x + 128 ([block][column][16], the padding as the input zero point's
// value); a vpermb turns 4 consecutive columns of a block ([4][16]) into
// [16][4], the lane layout vpdpbusd reads. A 3x3 window is 3 vpdpbusd per
// 16 outputs, a 5x5 one 6 (the second quad's last 3 weights zero), where
// pairwise int16 products need 9 and 25 on twice the lanes' work. A last
// block of at most 8 channels (8, 24, 40 ...) runs on 256-bit vectors, its
// rows 8 bytes a column, where float requantization allows.
// The +128 and the input zero point fold into the bias:
//   sum (x - zx) w = sum (x + 128) w - (zx + 128) sum w,
// exact for padding too, whose stored value is zx + 128.
#pragma once

#include <cstdint>

#include "kernels/cpu/int8_kernels.h"

namespace odin::cpu {

// Whether this CPU runs the kernel (AVX-512 BW, VNNI and VBMI).
bool int8_depthwise_vnni_supported();

// The packed form, built where the CPU runs it, the weights are int8 with
// zero zero points, and dilation is 1.
struct Int8DepthwiseVnni {
  int64_t blocks = 0, quads = 0;  // 16-channel blocks; quads of taps per window row
  AlignedFloats weights;          // int8 [blocks][k_h][quads][16 channels][4 taps]
  Int8Requant q;                  // the bias less (zx + 128) sum w
  bool empty() const { return blocks == 0; }
  size_t bytes() const { return weights.size() * sizeof(float); }
};

// filter [1, k_h, k_w, c] int8 (zero points 0); `q` as for
// pack_int8_depthwise; in_zero: the input's zero point.
Int8DepthwiseVnni pack_int8_depthwise_vnni(const int8_t* filter, int64_t k_h, int64_t k_w,
                                           int64_t c, const Int8Requant& q, int32_t in_zero,
                                           WeightArena* arena = nullptr);

// Output rows [row_begin, row_end) of batch * out_h; p.in int8, p.w's
// vnni form packed, dilation 1.
void int8_depthwise_vnni_rows(const Int8DepthwiseParams& p, const Int8DepthwiseVnni& w,
                              int64_t row_begin, int64_t row_end);

}  // namespace odin::cpu
