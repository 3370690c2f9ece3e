#version 450
// QUANTIZE int8/uint8 -> int8/uint8 (vk_quant.h): (q - in_zero) rescaled by
// in_scale / out_scale in fixed point, + out_zero, clamped to the output
// dtype. SIGNED is the input's. One invocation writes one output word.
#include "common.glsl"

layout(constant_id = 0) const int SIGNED = 1;
#include "quant.glsl"

layout(std430, binding = 0) writeonly buffer Out { uint y[]; };
layout(std430, binding = 1) readonly buffer In { uint x[]; };

layout(push_constant) uniform Params {
  int total, x_zero, mul, shift, y_zero, lo, hi;
} p;

void main() {
  const int e0 = int(flat_index()) * 4;
  if (e0 >= p.total) return;
  ivec4 r = ivec4(0);
  for (int j = 0; j < 4 && e0 + j < p.total; ++j)
    r[j] = q_output(requantize(Q_LOAD(x, e0 + j) - p.x_zero, p.mul, p.shift), p.y_zero, p.lo, p.hi);
  y[e0 >> 2] = q_pack(r);
}
