#version 450
// GATHER_ND: output slice t (slice elements each) is the params slice at
// index tuple t, ids[t * depth ..], int32, depth <= 5. A tuple with a
// coordinate outside its dim gives zeros (constant indices were checked
// when the model loaded; the CPU backend reports run-time ones).
#include "common.glsl"

layout(std430, binding = 0) writeonly buffer Out { T y[]; };
layout(std430, binding = 1) readonly buffer In { T x[]; };
layout(std430, binding = 2) readonly buffer Ids { int ids[]; };

layout(push_constant) uniform Params {
  int total, slice, depth;
  int dims[5];
  int strides[5];
} p;

void main() {
  const uint gid = flat_index();
  if (gid >= uint(p.total)) return;
  const int t = int(gid) / p.slice;
  int at = int(gid) % p.slice;
  for (int j = 0; j < p.depth; ++j) {
    const int c = ids[t * p.depth + j];
    if (c < 0 || c >= p.dims[j]) {
      y[gid] = T(0);
      return;
    }
    at += c * p.strides[j];
  }
  y[gid] = x[at];
}
