#version 450
// The arena's element type -> fp32 staging (see to_device.comp).
#include "common.glsl"

layout(std430, binding = 0) writeonly buffer Out { float y[]; };
layout(std430, binding = 1) readonly buffer In { T x[]; };
layout(push_constant) uniform Params { int total; } p;

void main() {
  const uint gid = flat_index();
  if (gid < uint(p.total)) y[gid] = float(x[gid]);
}
