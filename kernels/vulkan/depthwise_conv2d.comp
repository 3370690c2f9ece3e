#version 450
// DEPTHWISE_CONV_2D, NHWC: output channel oc reads input channel oc / M.
// Weights [KH][KW][OC] and bias [OC] as in the model. One output element
// per invocation. With HAS_PRELU, a fused PRELU's slopes [OC] scale negative
// results after the activation; without it, binding 4 is bound but never
// read.
#include "common.glsl"

layout(constant_id = 0) const int KH = 3;
layout(constant_id = 1) const int KW = 3;
layout(constant_id = 2) const int SH = 1;
layout(constant_id = 3) const int SW = 1;
layout(constant_id = 4) const int DH = 1;
layout(constant_id = 5) const int DW = 1;
layout(constant_id = 6) const int ACT = 0;
layout(constant_id = 7) const int HAS_PRELU = 0;

layout(std430, binding = 0) writeonly buffer Out { T y[]; };
layout(std430, binding = 1) readonly buffer In { T x[]; };
layout(std430, binding = 2) readonly buffer Weights { T w[]; };
layout(std430, binding = 3) readonly buffer Bias { T b[]; };
layout(std430, binding = 4) readonly buffer Slopes { T slope[]; };

layout(push_constant) uniform Params {
  int N, IH, IW, IC, OH, OW, OC, pad_top, pad_left, M;
} p;

void main() {
  const uint gid = flat_index();
  if (gid >= uint(p.N * p.OH * p.OW * p.OC)) return;
  const int oc = int(gid % uint(p.OC));
  int pix = int(gid / uint(p.OC));
  const int ox = pix % p.OW;
  pix /= p.OW;
  const int oy = pix % p.OH;
  const int n = pix / p.OH;
  const int ic = oc / p.M;

  ACC acc = ACC(b[oc]);
  for (int ky = 0; ky < KH; ++ky) {
    const int iy = oy * SH - p.pad_top + ky * DH;
    if (iy < 0 || iy >= p.IH) continue;
    for (int kx = 0; kx < KW; ++kx) {
      const int ix = ox * SW - p.pad_left + kx * DW;
      if (ix < 0 || ix >= p.IW) continue;
      acc += ACC(x[((n * p.IH + iy) * p.IW + ix) * p.IC + ic]) * ACC(w[(ky * KW + kx) * p.OC + oc]);
    }
  }
  ACC v = activate(acc, ACT);
  if (HAS_PRELU != 0 && v < 0.0) v *= ACC(slope[oc]);
  y[gid] = T(v);
}
