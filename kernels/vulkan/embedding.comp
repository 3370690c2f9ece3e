#version 450
// EMBEDDING: out[i, k] = row ids[i] of the table (blocks.glsl), one value
// per invocation. An id outside the vocabulary gives a row of zeros (the
// CPU backend reports it; the LLM context checks ids before a run).
#include "common.glsl"

layout(std430, binding = 0) writeonly buffer Out { T y[]; };
layout(std430, binding = 1) readonly buffer Ids { int ids[]; };
layout(std430, binding = 2) readonly buffer Scales { float scales[]; };
layout(std430, binding = 3) readonly buffer Quants { uint quants[]; };

layout(push_constant) uniform Params {
  int total, d, vocab;
} p;

#include "blocks.glsl"

void main() {
  const uint gid = flat_index();
  if (gid >= uint(p.total)) return;
  const uint d = uint(p.d), i = gid / d, k = gid % d;
  const int id = ids[i];
  y[gid] = T(id < 0 || id >= p.vocab ? 0.0 : weight_at(uint(id), k, d));
}
