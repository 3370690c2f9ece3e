#version 450
// PAD on int8/uint8 over up to 4 dims (vk_quant.h): the padding is the
// zero point (the real 0); one invocation writes one output word.
#include "common.glsl"

layout(constant_id = 0) const int SIGNED = 1;
#include "quant.glsl"

layout(std430, binding = 0) writeonly buffer Out { uint y[]; };
layout(std430, binding = 1) readonly buffer In { uint x[]; };

layout(push_constant) uniform Params {
  ivec4 out_dims;
  ivec4 in_dims;
  ivec4 before;
  int total, fill;
} p;

void main() {
  const int e0 = int(flat_index()) * 4;
  if (e0 >= p.total) return;
  ivec4 r = ivec4(p.fill);
  for (int j = 0; j < 4 && e0 + j < p.total; ++j) {
    int i = e0 + j;
    ivec4 o;
    o.w = i % p.out_dims.w;
    i /= p.out_dims.w;
    o.z = i % p.out_dims.z;
    i /= p.out_dims.z;
    o.y = i % p.out_dims.y;
    o.x = i / p.out_dims.y;
    const ivec4 s = o - p.before;
    if (any(lessThan(s, ivec4(0))) || any(greaterThanEqual(s, p.in_dims))) continue;
    r[j] = Q_LOAD(x, ((s.x * p.in_dims.y + s.y) * p.in_dims.z + s.z) * p.in_dims.w + s.w);
  }
  y[e0 >> 2] = q_pack(r);
}
