#version 450
// SOFTMAX over the last axis on int8/uint8 (vk_quant.h), as the reference
// kernel (kernels/reference/softmax.cpp) computes it: e = table[max - q] from
// the host's exp table, sum e in fp32 in row order, then
// zero + round(e / (sum * out_scale)) (ties away from zero), clamped. Adds
// and multiplies are correctly rounded in Vulkan; the one division is made
// correctly rounded below, so the bytes equal the reference's. One
// invocation writes one word (four elements, which may span rows).
#include "common.glsl"

layout(constant_id = 0) const int SIGNED = 1;
#include "quant.glsl"

layout(std430, binding = 0) writeonly buffer Out { uint y[]; };
layout(std430, binding = 1) readonly buffer In { uint x[]; };
layout(std430, binding = 2) readonly buffer Table { float table[]; };  // 256 entries

layout(push_constant) uniform Params {
  int total, cols;
  float out_scale;
  int zero, lo, hi;
} p;

// 1 / d correctly rounded: OpFDiv may be off by 2.5 ulp, so of the quotient
// and its neighbours take the one whose residual 1 - d r (exact through fma)
// is smallest (d > 0, so the neighbours are the bit patterns -1 and +1).
float reciprocal(float d) {
  const float q = 1.0 / d;
  precise float best = q;
  precise float best_err = abs(fma(-d, best, 1.0));
  for (int k = -1; k <= 1; k += 2) {
    const float c = uintBitsToFloat(uint(int(floatBitsToUint(q)) + k));
    precise float err = abs(fma(-d, c, 1.0));
    if (err < best_err) best = c, best_err = err;
  }
  return best;
}

void main() {
  const int w = int(flat_index());
  if (4 * w >= p.total) return;
  ivec4 out_q = ivec4(p.zero);
  int row = -1, mx = 0;
  float inv = 0.0;
  for (int k = 0; k < 4; ++k) {
    const int e = 4 * w + k;
    if (e >= p.total) break;
    if (e / p.cols != row) {
      row = e / p.cols;
      const int base = row * p.cols;
      mx = Q_LOAD(x, base);
      for (int c = 1; c < p.cols; ++c) mx = max(mx, Q_LOAD(x, base + c));
      precise float sum = 0.0;
      for (int c = 0; c < p.cols; ++c) sum += table[mx - Q_LOAD(x, base + c)];
      precise float denom = sum * p.out_scale;
      inv = reciprocal(denom);
    }
    precise float v = table[mx - Q_LOAD(x, e)] * inv;
    const float f = floor(v);
    const int r = int(f) + (v - f >= 0.5 ? 1 : 0);
    out_q[k] = clamp(r + p.zero, p.lo, p.hi);
  }
  y[w] = q_pack(out_q);
}
