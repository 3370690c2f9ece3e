#version 450
// TRANSPOSE_CONV (and MediaPipe's Convolution2DTransposeBias), NHWC, in
// gather form: each output element sums the input pixels and taps that
// reach it, so no two invocations write the same element. Input pixel iy's
// tap ky lands on output iy * SH - pad_top + ky (ops/transpose_conv_geometry.h),
// so output oy takes the taps ky = (oy + pad_top) mod SH, stepping by SH, from
// input iy = (oy + pad_top - ky) / SH; the same along x. One invocation
// computes PX output pixels SW apart along x (the same taps, input columns
// one apart, so each weight vector loaded serves them all) times 4 output
// channels. Weights are repacked by the host to [KH][KW][IC][OC/4] of T4 (OC
// padded to a multiple of 4 with zeros), as conv2d's; the bias is [OC/4] of
// T4. Accumulates in fp32.
#include "common.glsl"

layout(constant_id = 0) const int KH = 1;
layout(constant_id = 1) const int KW = 1;
layout(constant_id = 2) const int SH = 1;
layout(constant_id = 3) const int SW = 1;
layout(constant_id = 4) const int ACT = 0;
layout(constant_id = 5) const int PX = 4;

layout(std430, binding = 0) writeonly buffer Out { T y[]; };
layout(std430, binding = 1) readonly buffer In { T x[]; };
layout(std430, binding = 2) readonly buffer Weights { T4 w[]; };
layout(std430, binding = 3) readonly buffer Bias { T4 b[]; };

layout(push_constant) uniform Params {
  int N, IH, IW, IC, OH, OW, OC, pad_top, pad_left;
} p;

void main() {
  const int OC4 = (p.OC + 3) / 4;
  // Along x: blocks of PX * SW columns, SW invocations each (one per column
  // residue mod SW).
  const int XI = (p.OW + PX * SW - 1) / (PX * SW) * SW;
  const uint gid = flat_index();
  if (gid >= uint(p.N * p.OH * XI * OC4)) return;
  const int oc4 = int(gid % uint(OC4));
  int pix = int(gid / uint(OC4));
  const int xi = pix % XI;
  pix /= XI;
  const int oy = pix % p.OH;
  const int n = pix / p.OH;
  const int ox0 = (xi / SW) * PX * SW + xi % SW;  // pixel j is ox0 + j * SW
  if (ox0 >= p.OW) return;

  ACC4 acc[PX];
  for (int j = 0; j < PX; ++j) acc[j] = ACC4(b[oc4]);
  const int ty = oy + p.pad_top, tx = ox0 + p.pad_left;  // padding is never negative
  for (int ky = ty % SH; ky < KH; ky += SH) {
    const int iy = (ty - ky) / SH;
    if (iy < 0) break;  // later taps read further up
    if (iy >= p.IH) continue;
    for (int kx = tx % SW; kx < KW; kx += SW) {
      const int ix0 = (tx - kx) / SW;  // pixel j reads input column ix0 + j
      if (ix0 + PX - 1 < 0) break;
      int valid = 0;  // bit j: pixel j is in the output and reads inside the input
      for (int j = 0; j < PX; ++j)
        if (ox0 + j * SW < p.OW && ix0 + j >= 0 && ix0 + j < p.IW) valid |= 1 << j;
      if (valid == 0) continue;
      const int xb = ((n * p.IH + iy) * p.IW + ix0) * p.IC;
      int wb = (ky * KW + kx) * p.IC * OC4 + oc4;
      for (int ic = 0; ic < p.IC; ++ic, wb += OC4) {
        const ACC4 wv = ACC4(w[wb]);
        for (int j = 0; j < PX; ++j)
          if ((valid & (1 << j)) != 0) acc[j] += ACC(x[xb + j * p.IC + ic]) * wv;
      }
    }
  }
  const int left = p.OC - oc4 * 4;
  for (int j = 0; j < PX; ++j) {
    const int ox = ox0 + j * SW;
    if (ox >= p.OW) break;
    const T4 r = T4(activate4(acc[j], ACT));
    const int ob = ((n * p.OH + oy) * p.OW + ox) * p.OC + oc4 * 4;
    y[ob] = r.x;
    if (left > 1) y[ob + 1] = r.y;
    if (left > 2) y[ob + 2] = r.z;
    if (left > 3) y[ob + 3] = r.w;
  }
}
