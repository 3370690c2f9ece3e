#version 450
// GATHER on axis 0 with run-time int32 indices: out[r, k] = x[ids[r], k]
// over rows of `inner` values; an index outside [0, rows) gives zeros (the
// CPU backend reports it; an LLM's logit rows come from the context).
#include "common.glsl"

layout(std430, binding = 0) writeonly buffer Out { T y[]; };
layout(std430, binding = 1) readonly buffer In { T x[]; };
layout(std430, binding = 2) readonly buffer Ids { int ids[]; };

layout(push_constant) uniform Params {
  int total, inner, rows;
} p;

void main() {
  const uint gid = flat_index();
  if (gid >= uint(p.total)) return;
  const int r = int(gid) / p.inner, k = int(gid) % p.inner, id = ids[r];
  y[gid] = id < 0 || id >= p.rows ? T(0) : x[id * p.inner + k];
}
