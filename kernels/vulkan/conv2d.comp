#version 450
// CONV_2D, NHWC. One invocation computes PX output pixels along x times 4
// output channels, so each weight vector loaded serves PX pixels. Weights
// are repacked by the host to [KH][KW][IC][OC/4] of T4 (OC padded to a
// multiple of 4 with zeros); the bias is [OC/4] of T4. Accumulates in fp32.
// With HAS_ADD, a residual of the output's shape (a fused ADD) is added
// before the activation; with HAS_PRELU, a fused PRELU's slopes ([OC/4] of
// T4, like the bias) scale negative results after the activation
// (conv2d_epilogue.glsl).
#include "common.glsl"

layout(constant_id = 0) const int KH = 1;
layout(constant_id = 1) const int KW = 1;
layout(constant_id = 2) const int SH = 1;
layout(constant_id = 3) const int SW = 1;
layout(constant_id = 4) const int DH = 1;
layout(constant_id = 5) const int DW = 1;
layout(constant_id = 6) const int ACT = 0;
layout(constant_id = 7) const int PX = 4;
layout(constant_id = 8) const int HAS_ADD = 0;
layout(constant_id = 9) const int HAS_PRELU = 0;

#include "conv2d_epilogue.glsl"

layout(push_constant) uniform Params {
  int N, IH, IW, IC, OH, OW, OC, pad_top, pad_left;
} p;

void main() {
  const int OC4 = (p.OC + 3) / 4;
  const int OWB = (p.OW + PX - 1) / PX;
  const uint gid = flat_index();
  if (gid >= uint(p.N * p.OH * OWB * OC4)) return;
  const int oc4 = int(gid % uint(OC4));
  int pix = int(gid / uint(OC4));
  const int ox0 = (pix % OWB) * PX;
  pix /= OWB;
  const int oy = pix % p.OH;
  const int n = pix / p.OH;

  ACC4 acc[PX];
  for (int j = 0; j < PX; ++j) acc[j] = ACC4(b[oc4]);
  int xb[PX];
  for (int ky = 0; ky < KH; ++ky) {
    const int iy = oy * SH - p.pad_top + ky * DH;
    if (iy < 0 || iy >= p.IH) continue;
    for (int kx = 0; kx < KW; ++kx) {
      int valid = 0;  // bit j: pixel j reads inside the input
      for (int j = 0; j < PX; ++j) {
        const int ix = (ox0 + j) * SW - p.pad_left + kx * DW;
        xb[j] = ((n * p.IH + iy) * p.IW + ix) * p.IC;
        if (ox0 + j < p.OW && ix >= 0 && ix < p.IW) valid |= 1 << j;
      }
      if (valid == 0) continue;
      int wb = (ky * KW + kx) * p.IC * OC4 + oc4;
      for (int ic = 0; ic < p.IC; ++ic, wb += OC4) {
        const ACC4 wv = ACC4(w[wb]);
        for (int j = 0; j < PX; ++j)
          if ((valid & (1 << j)) != 0) acc[j] += ACC(x[xb[j] + ic]) * wv;
      }
    }
  }
  const int left = p.OC - oc4 * 4;
  const ACC4 alpha = HAS_PRELU != 0 ? ACC4(slope[oc4]) : ACC4(0.0);
  for (int j = 0; j < PX; ++j) {
    if (ox0 + j >= p.OW) break;
    store_conv4(((n * p.OH + oy) * p.OW + ox0 + j) * p.OC + oc4 * 4, left, acc[j], alpha);
  }
}
