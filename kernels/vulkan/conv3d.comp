#version 450
// CONV_3D, NDHWC, weights [OC][KD][KH][KW][IC] (the model's DHWIO
// rearranged at lowering) and bias [OC]. One output element per invocation.
#include "common.glsl"

layout(constant_id = 0) const int KD = 3;
layout(constant_id = 1) const int KH = 3;
layout(constant_id = 2) const int KW = 3;
layout(constant_id = 3) const int SD = 1;
layout(constant_id = 4) const int SH = 1;
layout(constant_id = 5) const int SW = 1;
layout(constant_id = 6) const int DD = 1;
layout(constant_id = 7) const int DH = 1;
layout(constant_id = 8) const int DW = 1;
layout(constant_id = 9) const int ACT = 0;

layout(std430, binding = 0) writeonly buffer Out { T y[]; };
layout(std430, binding = 1) readonly buffer In { T x[]; };
layout(std430, binding = 2) readonly buffer Weights { T w[]; };
layout(std430, binding = 3) readonly buffer Bias { T b[]; };

layout(push_constant) uniform Params {
  int N, ID, IH, IW, IC, OD, OH, OW, OC, pad_d, pad_h, pad_w;
} p;

void main() {
  const uint gid = flat_index();
  if (gid >= uint(p.N * p.OD * p.OH * p.OW * p.OC)) return;
  const int oc = int(gid % uint(p.OC));
  int pix = int(gid / uint(p.OC));
  const int ox = pix % p.OW;
  pix /= p.OW;
  const int oy = pix % p.OH;
  pix /= p.OH;
  const int od = pix % p.OD;
  const int n = pix / p.OD;
  const int wbase = oc * KD * KH * KW * p.IC;

  ACC acc = ACC(b[oc]);
  for (int kd = 0; kd < KD; ++kd) {
    const int id = od * SD - p.pad_d + kd * DD;
    if (id < 0 || id >= p.ID) continue;
    for (int ky = 0; ky < KH; ++ky) {
      const int iy = oy * SH - p.pad_h + ky * DH;
      if (iy < 0 || iy >= p.IH) continue;
      for (int kx = 0; kx < KW; ++kx) {
        const int ix = ox * SW - p.pad_w + kx * DW;
        if (ix < 0 || ix >= p.IW) continue;
        const int xs = (((n * p.ID + id) * p.IH + iy) * p.IW + ix) * p.IC;
        const int ws = wbase + ((kd * KH + ky) * KW + kx) * p.IC;
        for (int c = 0; c < p.IC; ++c) acc += ACC(x[xs + c]) * ACC(w[ws + c]);
      }
    }
  }
  y[gid] = T(activate(acc, ACT));
}
