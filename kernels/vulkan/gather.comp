#version 450
// GATHER (batch_dims 0) on any axis, with int32 indices (run-time, or
// constants uploaded as int32): params as [outer, rows, inner], y as
// [outer, count, inner] with count the number of indices, so
// y[o, t, k] = x[o, ids[t], k]. An index outside [0, rows) gives zeros (the
// CPU backend reports it; an LLM's logit rows come from the context).
#include "common.glsl"

layout(std430, binding = 0) writeonly buffer Out { T y[]; };
layout(std430, binding = 1) readonly buffer In { T x[]; };
layout(std430, binding = 2) readonly buffer Ids { int ids[]; };

layout(push_constant) uniform Params {
  int total, rows, count, inner;
} p;

void main() {
  const uint gid = flat_index();
  if (gid >= uint(p.total)) return;
  const int i = int(gid), k = i % p.inner, t = (i / p.inner) % p.count;
  const int o = i / (p.inner * p.count), id = ids[t];
  y[gid] = id < 0 || id >= p.rows ? T(0) : x[(o * p.rows + id) * p.inner + k];
}
