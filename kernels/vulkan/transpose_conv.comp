#version 450
// TRANSPOSE_CONV (and MediaPipe's Convolution2DTransposeBias), NHWC, in
// gather form: one invocation computes one output pixel times 4 output
// channels, summing the input pixels and taps that reach it, so no two
// invocations write the same element. Input pixel iy's tap ky lands on
// output iy * SH - pad_top + ky (ops/transpose_conv_geometry.h), so output
// oy takes the taps ky = (oy + pad_top) mod SH, stepping by SH, from input
// iy = (oy + pad_top - ky) / SH. Weights are repacked by the host to
// [KH][KW][IC][OC/4] of T4 (OC padded to a multiple of 4 with zeros), as
// conv2d's; the bias is [OC/4] of T4. Accumulates in fp32.
#include "common.glsl"

layout(constant_id = 0) const int KH = 1;
layout(constant_id = 1) const int KW = 1;
layout(constant_id = 2) const int SH = 1;
layout(constant_id = 3) const int SW = 1;
layout(constant_id = 4) const int ACT = 0;

layout(std430, binding = 0) writeonly buffer Out { T y[]; };
layout(std430, binding = 1) readonly buffer In { T x[]; };
layout(std430, binding = 2) readonly buffer Weights { T4 w[]; };
layout(std430, binding = 3) readonly buffer Bias { T4 b[]; };

layout(push_constant) uniform Params {
  int N, IH, IW, IC, OH, OW, OC, pad_top, pad_left;
} p;

void main() {
  const int OC4 = (p.OC + 3) / 4;
  const uint gid = flat_index();
  if (gid >= uint(p.N * p.OH * p.OW * OC4)) return;
  const int oc4 = int(gid % uint(OC4));
  int pix = int(gid / uint(OC4));
  const int ox = pix % p.OW;
  pix /= p.OW;
  const int oy = pix % p.OH;
  const int n = pix / p.OH;

  ACC4 acc = ACC4(b[oc4]);
  const int ty = oy + p.pad_top, tx = ox + p.pad_left;  // padding is never negative
  for (int ky = ty % SH; ky < KH; ky += SH) {
    const int iy = (ty - ky) / SH;
    if (iy < 0) break;  // later taps read further up
    if (iy >= p.IH) continue;
    for (int kx = tx % SW; kx < KW; kx += SW) {
      const int ix = (tx - kx) / SW;
      if (ix < 0) break;
      if (ix >= p.IW) continue;
      const int xb = ((n * p.IH + iy) * p.IW + ix) * p.IC;
      int wb = (ky * KW + kx) * p.IC * OC4 + oc4;
      for (int ic = 0; ic < p.IC; ++ic, wb += OC4) acc += ACC(x[xb + ic]) * ACC4(w[wb]);
    }
  }
  const int left = p.OC - oc4 * 4;
  const T4 r = T4(activate4(acc, ACT));
  const int ob = ((n * p.OH + oy) * p.OW + ox) * p.OC + oc4 * 4;
  y[ob] = r.x;
  if (left > 1) y[ob + 1] = r.y;
  if (left > 2) y[ob + 2] = r.z;
  if (left > 3) y[ob + 3] = r.w;
}
