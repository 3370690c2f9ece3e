#version 450
// QUANTIZE float -> int8/uint8 (vk_quant.h): zero + round(x / scale), ties
// away from zero, clamped to the dtype, as quant/affine.h quantize_value.
// Exact where the division is correctly rounded (lavapipe; Vulkan allows
// 2.5 ulp, so a GPU may land one step off on an input right at a tie).
// One invocation writes one output word.
#include "common.glsl"

layout(constant_id = 0) const int SIGNED = 1;
#include "quant.glsl"

layout(std430, binding = 0) writeonly buffer Out { uint y[]; };
layout(std430, binding = 1) readonly buffer In { T x[]; };

layout(push_constant) uniform Params {
  int total;
  float scale;
  int zero, lo, hi;
} p;

int quantize(float v) {
  const float q = v / p.scale;
  float t = trunc(q);
  if (abs(q - t) >= 0.5) t += sign(q);  // q - t is exact
  t += float(p.zero);
  if (!(t >= float(p.lo))) return p.lo;  // NaN too
  return t > float(p.hi) ? p.hi : int(t);
}

void main() {
  const int e0 = int(flat_index()) * 4;
  if (e0 >= p.total) return;
  ivec4 r = ivec4(0);
  for (int j = 0; j < 4 && e0 + j < p.total; ++j) r[j] = quantize(float(x[e0 + j]));
  y[e0 >> 2] = q_pack(r);
}
