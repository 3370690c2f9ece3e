#version 450
// A 1x1, stride 1, unpadded CONV_2D as the GEMM [pixels x IC] x [IC x OC]
// (NHWC: a pixel's input channels are one row). A workgroup computes a tile
// of TM pixels x TN output channels: it walks the input channels in slices
// of TK, stages the slice of the input [TM x TK] and of the weights
// [TK x TN] in shared memory, and each invocation accumulates 4 pixels x 4
// output channels from there (two shared loads per 16 multiply-adds). The
// workgroup has TM * TN / 16 invocations (specialization constant 100).
// Weights as conv2d.comp repacks them for KH = KW = 1: [IC][OC/4] of T4,
// OC padded to a multiple of 4 with zeros; the bias [OC/4] of T4. The
// epilogue is conv2d.comp's (conv2d_epilogue.glsl). Accumulates in fp32
// (ACC), ic in order, as conv2d.comp does.
#include "common.glsl"

layout(constant_id = 0) const int TM = 32;  // pixels per tile, a multiple of 4
layout(constant_id = 1) const int TN = 32;  // output channels per tile, a multiple of 4
layout(constant_id = 2) const int TK = 16;  // input channels per staged slice
layout(constant_id = 3) const int ACT = 0;
layout(constant_id = 4) const int HAS_ADD = 0;
layout(constant_id = 5) const int HAS_PRELU = 0;
const int TM4 = TM / 4, TN4 = TN / 4, WG = TM4 * TN4;

#include "conv2d_epilogue.glsl"

layout(push_constant) uniform Params {
  int pixels, IC, OC;
} p;

// The slice: xs[k][m4] holds input channel k of pixels 4 m4 .. 4 m4 + 3,
// ws[k][n4] output channels 4 n4 .. 4 n4 + 3 of input channel k; zeros
// past the pixels, input channels and output channels.
shared ACC4 xs[TK * TM4];
shared ACC4 ws[TK * TN4];

void main() {
  const int OC4 = (p.OC + 3) / 4;
  const int tiles_n = (OC4 + TN4 - 1) / TN4;
  const uint wid = gl_WorkGroupID.x + gl_WorkGroupID.y * gl_NumWorkGroups.x;
  if (wid >= uint(tiles_n * ((p.pixels + TM - 1) / TM))) return;  // the whole workgroup leaves
  const int m0 = int(wid) / tiles_n * TM, n40 = int(wid) % tiles_n * TN4;
  const int lid = int(gl_LocalInvocationID.x);
  const int tx = lid % TN4, ty = lid / TN4;
  const int oc4 = n40 + tx;

  ACC4 acc[4];
  const ACC4 bias = oc4 < OC4 ? ACC4(b[oc4]) : ACC4(0.0);
  for (int i = 0; i < 4; ++i) acc[i] = bias;
  for (int k0 = 0; k0 < p.IC; k0 += TK) {
    for (int e = lid; e < TK * TM4; e += WG) {
      const int m4 = e / TK, k = e % TK, ic = k0 + k, m = m0 + 4 * m4;
      ACC4 v = ACC4(0.0);
      if (ic < p.IC)
        for (int j = 0; j < 4; ++j)
          if (m + j < p.pixels) v[j] = ACC(x[(m + j) * p.IC + ic]);
      xs[k * TM4 + m4] = v;
    }
    for (int e = lid; e < TK * TN4; e += WG) {
      const int k = e / TN4, n4 = n40 + e % TN4, ic = k0 + k;
      ws[e] = ic < p.IC && n4 < OC4 ? ACC4(w[ic * OC4 + n4]) : ACC4(0.0);
    }
    barrier();
    const int kn = min(TK, p.IC - k0);
    for (int k = 0; k < kn; ++k) {
      const ACC4 a = xs[k * TM4 + ty];
      const ACC4 wv = ws[k * TN4 + tx];
      acc[0] += a.x * wv;
      acc[1] += a.y * wv;
      acc[2] += a.z * wv;
      acc[3] += a.w * wv;
    }
    barrier();
  }
  if (oc4 >= OC4) return;
  const int left = p.OC - oc4 * 4;
  const ACC4 alpha = HAS_PRELU != 0 ? ACC4(slope[oc4]) : ACC4(0.0);
  for (int i = 0; i < 4; ++i) {
    const int m = m0 + 4 * ty + i;
    if (m >= p.pixels) break;
    store_conv4(m * p.OC + oc4 * 4, left, acc[i], alpha);
  }
}
