#version 450
// PAD with zeros over up to 4 dims: each output element reads its source or
// writes 0.
#include "common.glsl"

layout(std430, binding = 0) writeonly buffer Out { T y[]; };
layout(std430, binding = 1) readonly buffer In { T x[]; };

layout(push_constant) uniform Params {
  ivec4 out_dims;
  ivec4 in_dims;
  ivec4 before;
  int total;
} p;

void main() {
  const uint gid = flat_index();
  if (gid >= uint(p.total)) return;
  int i = int(gid);
  ivec4 o;
  o.w = i % p.out_dims.w;
  i /= p.out_dims.w;
  o.z = i % p.out_dims.z;
  i /= p.out_dims.z;
  o.y = i % p.out_dims.y;
  o.x = i / p.out_dims.y;
  const ivec4 s = o - p.before;
  if (any(lessThan(s, ivec4(0))) || any(greaterThanEqual(s, p.in_dims))) {
    y[gid] = T(0);
    return;
  }
  y[gid] = x[((s.x * p.in_dims.y + s.y) * p.in_dims.z + s.z) * p.in_dims.w + s.w];
}
