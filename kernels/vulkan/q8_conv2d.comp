#version 450
// CONV_2D on int8/uint8, NHWC (vk_quant.h): one invocation computes one
// output word, four consecutive output elements. Weights OHWI bytes as in
// the model; per output channel {bias, weight zero point, multiplier, shift}.
// When OC is a multiple of 4 the word is four channels of one pixel, so each
// input element loaded serves four sums; when IC is a multiple of 4, input
// and weight words are read whole.
#include "common.glsl"

layout(constant_id = 0) const int SIGNED = 1;
layout(constant_id = 1) const int KH = 1;
layout(constant_id = 2) const int KW = 1;
layout(constant_id = 3) const int SH = 1;
layout(constant_id = 4) const int SW = 1;
layout(constant_id = 5) const int DH = 1;
layout(constant_id = 6) const int DW = 1;
layout(constant_id = 7) const int IC_WORDS = 0;  // 1: IC % 4 == 0
layout(constant_id = 8) const int OC_WORDS = 0;  // 1: OC % 4 == 0
#include "quant.glsl"

layout(std430, binding = 0) writeonly buffer Out { uint y[]; };
layout(std430, binding = 1) readonly buffer In { uint x[]; };
layout(std430, binding = 2) readonly buffer Weights { uint w[]; };
layout(std430, binding = 3) readonly buffer Channels { ivec4 cp[]; };

layout(push_constant) uniform Params {
  int N, IH, IW, IC, OH, OW, OC, pad_top, pad_left, x_zero, y_zero, lo, hi;
} p;

int dot4(ivec4 a, ivec4 b) {
  return a.x * b.x + a.y * b.y + a.z * b.z + a.w * b.w;
}

// Sums of channels oc0 .. oc0 + count - 1 (count 1 or 4) at output pixel
// `pix` (flat over N, OH, OW), biases included.
ivec4 window_sums(int pix, int oc0, int count) {
  const int ox = pix % p.OW;
  const int oy = (pix / p.OW) % p.OH;
  const int n = pix / (p.OW * p.OH);
  ivec4 acc = ivec4(0), wz = ivec4(0);
  for (int j = 0; j < count; ++j) {
    acc[j] = cp[oc0 + j].x;
    wz[j] = cp[oc0 + j].y;
  }
  const int wrow = KH * KW * p.IC;  // one output channel's weights
  for (int ky = 0; ky < KH; ++ky) {
    const int iy = oy * SH - p.pad_top + ky * DH;
    if (iy < 0 || iy >= p.IH) continue;
    for (int kx = 0; kx < KW; ++kx) {
      const int ix = ox * SW - p.pad_left + kx * DW;
      if (ix < 0 || ix >= p.IW) continue;
      const int xb = ((n * p.IH + iy) * p.IW + ix) * p.IC;
      const int wb = (oc0 * KH + ky) * KW * p.IC + kx * p.IC;
      if (IC_WORDS != 0) {
        for (int ic = 0; ic < p.IC; ic += 4) {
          const ivec4 xv = q_unpack(x[(xb + ic) >> 2]) - p.x_zero;
          for (int j = 0; j < count; ++j)
            acc[j] += dot4(xv, q_unpack(w[(wb + j * wrow + ic) >> 2]) - wz[j]);
        }
      } else {
        for (int ic = 0; ic < p.IC; ++ic) {
          const int xv = Q_LOAD(x, xb + ic) - p.x_zero;
          for (int j = 0; j < count; ++j) acc[j] += xv * (Q_LOAD(w, wb + j * wrow + ic) - wz[j]);
        }
      }
    }
  }
  return acc;
}

int finish(int acc, int oc) {
  return q_output(requantize(acc, cp[oc].z, cp[oc].w), p.y_zero, p.lo, p.hi);
}

void main() {
  const int total = p.N * p.OH * p.OW * p.OC;
  const int e0 = int(flat_index()) * 4;
  if (e0 >= total) return;
  ivec4 r = ivec4(0);
  if (OC_WORDS != 0) {
    const int oc0 = e0 % p.OC;
    const ivec4 acc = window_sums(e0 / p.OC, oc0, 4);
    for (int j = 0; j < 4; ++j) r[j] = finish(acc[j], oc0 + j);
  } else {
    for (int j = 0; j < 4 && e0 + j < total; ++j)
      r[j] = finish(window_sums((e0 + j) / p.OC, (e0 + j) % p.OC, 1).x, (e0 + j) % p.OC);
  }
  y[e0 >> 2] = q_pack(r);
}
