#version 450
// PAD with zeros over up to 5 dims (right-aligned, 1 where unused): each
// output element reads its source or writes 0.
#include "common.glsl"

layout(std430, binding = 0) writeonly buffer Out { T y[]; };
layout(std430, binding = 1) readonly buffer In { T x[]; };

layout(push_constant) uniform Params {
  int total;
  int out_dims[5];
  int in_dims[5];
  int before[5];
} p;

void main() {
  const uint gid = flat_index();
  if (gid >= uint(p.total)) return;
  int i = int(gid), at = 0, stride = 1;
  for (int d = 4; d >= 0; --d) {
    const int s = i % p.out_dims[d] - p.before[d];
    i /= p.out_dims[d];
    if (s < 0 || s >= p.in_dims[d]) {
      y[gid] = T(0);
      return;
    }
    at += s * stride;
    stride *= p.in_dims[d];
  }
  y[gid] = x[at];
}
