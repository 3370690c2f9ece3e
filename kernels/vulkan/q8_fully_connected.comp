#version 450
// FULLY_CONNECTED on int8/uint8 (vk_quant.h): out[b, u] = requantized
// sum_k (x[b, k] - x_zero) (w[u, k] - w_zero[u]) + bias[u]; one invocation
// computes one output word. Weights [units, depth] bytes as in the model;
// per unit {bias, weight zero point, multiplier, shift}. When depth is a
// multiple of 4, input and weight words are read whole.
#include "common.glsl"

layout(constant_id = 0) const int SIGNED = 1;
layout(constant_id = 1) const int DEPTH_WORDS = 0;  // 1: depth % 4 == 0
#include "quant.glsl"

layout(std430, binding = 0) writeonly buffer Out { uint y[]; };
layout(std430, binding = 1) readonly buffer In { uint x[]; };
layout(std430, binding = 2) readonly buffer Weights { uint w[]; };
layout(std430, binding = 3) readonly buffer Channels { ivec4 cp[]; };

layout(push_constant) uniform Params {
  int batch, units, depth, x_zero, y_zero, lo, hi;
} p;

void main() {
  const int total = p.batch * p.units;
  const int e0 = int(flat_index()) * 4;
  if (e0 >= total) return;
  ivec4 r = ivec4(0);
  for (int j = 0; j < 4 && e0 + j < total; ++j) {
    const int u = (e0 + j) % p.units, xb = (e0 + j) / p.units * p.depth, wb = u * p.depth;
    const ivec4 c = cp[u];  // bias, weight zero point, multiplier, shift
    int acc = c.x;
    if (DEPTH_WORDS != 0) {
      for (int k = 0; k < p.depth; k += 4) {
        const ivec4 xv = q_unpack(x[(xb + k) >> 2]) - p.x_zero;
        const ivec4 wv = q_unpack(w[(wb + k) >> 2]) - c.y;
        acc += xv.x * wv.x + xv.y * wv.y + xv.z * wv.z + xv.w * wv.w;
      }
    } else {
      for (int k = 0; k < p.depth; ++k)
        acc += (Q_LOAD(x, xb + k) - p.x_zero) * (Q_LOAD(w, wb + k) - c.y);
    }
    r[j] = q_output(requantize(acc, c.z, c.w), p.y_zero, p.lo, p.hi);
  }
  y[e0 >> 2] = q_pack(r);
}
