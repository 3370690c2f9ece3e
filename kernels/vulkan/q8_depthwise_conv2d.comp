#version 450
// DEPTHWISE_CONV_2D on int8/uint8, NHWC (vk_quant.h): output channel oc
// reads input channel oc / M; one invocation computes one output word.
// Weights [KH][KW][OC] bytes as in the model; per output channel {bias,
// weight zero point, multiplier, shift}.
#include "common.glsl"

layout(constant_id = 0) const int SIGNED = 1;
layout(constant_id = 1) const int KH = 3;
layout(constant_id = 2) const int KW = 3;
layout(constant_id = 3) const int SH = 1;
layout(constant_id = 4) const int SW = 1;
layout(constant_id = 5) const int DH = 1;
layout(constant_id = 6) const int DW = 1;
#include "quant.glsl"

layout(std430, binding = 0) writeonly buffer Out { uint y[]; };
layout(std430, binding = 1) readonly buffer In { uint x[]; };
layout(std430, binding = 2) readonly buffer Weights { uint w[]; };
layout(std430, binding = 3) readonly buffer Channels { ivec4 cp[]; };

layout(push_constant) uniform Params {
  int N, IH, IW, IC, OH, OW, OC, pad_top, pad_left, M, x_zero, y_zero, lo, hi;
} p;

void main() {
  const int total = p.N * p.OH * p.OW * p.OC;
  const int e0 = int(flat_index()) * 4;
  if (e0 >= total) return;
  ivec4 r = ivec4(0);
  for (int j = 0; j < 4 && e0 + j < total; ++j) {
    const int oc = (e0 + j) % p.OC;
    int pix = (e0 + j) / p.OC;
    const int ox = pix % p.OW;
    pix /= p.OW;
    const int oy = pix % p.OH;
    const int n = pix / p.OH;
    const int ic = oc / p.M;
    const ivec4 c = cp[oc];  // bias, weight zero point, multiplier, shift
    int acc = c.x;
    for (int ky = 0; ky < KH; ++ky) {
      const int iy = oy * SH - p.pad_top + ky * DH;
      if (iy < 0 || iy >= p.IH) continue;
      for (int kx = 0; kx < KW; ++kx) {
        const int ix = ox * SW - p.pad_left + kx * DW;
        if (ix < 0 || ix >= p.IW) continue;
        acc += (Q_LOAD(x, ((n * p.IH + iy) * p.IW + ix) * p.IC + ic) - p.x_zero) *
               (Q_LOAD(w, (ky * KW + kx) * p.OC + oc) - c.y);
      }
    }
    r[j] = q_output(requantize(acc, c.z, c.w), p.y_zero, p.lo, p.hi);
  }
  y[e0 >> 2] = q_pack(r);
}
