#version 450
// fp32 staging -> the arena's element type (fp16 variant); in the fp32
// variant a plain copy (the host uses vkCmdCopyBuffer there instead).
#include "common.glsl"

layout(std430, binding = 0) writeonly buffer Out { T y[]; };
layout(std430, binding = 1) readonly buffer In { float x[]; };
layout(push_constant) uniform Params { int total; } p;

void main() {
  const uint gid = flat_index();
  if (gid < uint(p.total)) y[gid] = T(x[gid]);
}
