#version 450
// RESIZE_BILINEAR on int8/uint8 NHWC (vk_quant.h), TFLite's integer kernel
// as kernels/reference/resize.cpp: the four raw values weighted in 1/2^20
// by Q10 source fractions, rounded half away from zero; the output keeps the
// input's quantization. The host gives each output row and column its
// source (lo, hi, Q10 fraction). One invocation writes one output word.
#include "common.glsl"

layout(constant_id = 0) const int SIGNED = 1;
#include "quant.glsl"

layout(std430, binding = 0) writeonly buffer Out { uint y[]; };
layout(std430, binding = 1) readonly buffer In { uint x[]; };
// out_h rows then out_w columns of (lo, hi, fraction in 1/1024).
layout(std430, binding = 2) readonly buffer Samples { int s[]; };

layout(push_constant) uniform Params {
  ivec4 out_dims;
  ivec4 in_dims;
  int total;
} p;

void main() {
  const int e0 = int(flat_index()) * 4;
  if (e0 >= p.total) return;
  const int lo = SIGNED != 0 ? -128 : 0, hi = SIGNED != 0 ? 127 : 255;
  ivec4 r = ivec4(0);
  for (int j = 0; j < 4 && e0 + j < p.total; ++j) {
    int i = e0 + j;
    const int k = i % p.out_dims.w;
    i /= p.out_dims.w;
    const int ox = i % p.out_dims.z;
    i /= p.out_dims.z;
    const int oy = i % p.out_dims.y, n = i / p.out_dims.y;
    const int ys = 3 * oy, xs = 3 * (p.out_dims.y + ox);
    const int dy = s[ys + 2], dx = s[xs + 2];
    const int c = p.in_dims.w;
    const int row0 = (n * p.in_dims.y + s[ys]) * p.in_dims.z;
    const int row1 = (n * p.in_dims.y + s[ys + 1]) * p.in_dims.z;
    const int x0 = s[xs], x1 = s[xs + 1];
    // |v| <= 255 x 2048^2 < 2^31: a fraction f lies in [-512, 1536), so
    // |1024 - f| + |f| <= 2048 along each axis.
    const int v = Q_LOAD(x, (row0 + x0) * c + k) * (1024 - dy) * (1024 - dx) +
                  Q_LOAD(x, (row1 + x0) * c + k) * dy * (1024 - dx) +
                  Q_LOAD(x, (row0 + x1) * c + k) * (1024 - dy) * dx +
                  Q_LOAD(x, (row1 + x1) * c + k) * dy * dx;
    const int m = (abs(v) + (1 << 19)) >> 20;  // half away from zero, as C's (v +- 2^19) / 2^20
    r[j] = clamp(v < 0 ? -m : m, lo, hi);
  }
  y[e0 >> 2] = q_pack(r);
}
