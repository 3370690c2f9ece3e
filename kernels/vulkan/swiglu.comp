#version 450
// SWIGLU: y = gate / (1 + exp(-gate)) * up.
#include "common.glsl"

layout(std430, binding = 0) writeonly buffer Out { T y[]; };
layout(std430, binding = 1) readonly buffer Gate { T g[]; };
layout(std430, binding = 2) readonly buffer Up { T u[]; };

layout(push_constant) uniform Params { int total; } p;

void main() {
  const uint gid = flat_index();
  if (gid >= uint(p.total)) return;
  const float v = float(g[gid]);
  y[gid] = T(v / (1.0 + exp(-v)) * float(u[gid]));
}
