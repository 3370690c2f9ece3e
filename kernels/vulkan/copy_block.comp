#version 450
// Copies [outer][block] elements of the input to [outer][out_block] rows of
// the output starting at column `column`: one CONCATENATION input per
// dispatch (with its fused activation), or a plain copy.
#include "common.glsl"

layout(constant_id = 0) const int ACT = 0;

layout(std430, binding = 0) writeonly buffer Out { T y[]; };
layout(std430, binding = 1) readonly buffer In { T x[]; };

layout(push_constant) uniform Params {
  int outer, block, out_block, column;
} p;

void main() {
  const uint gid = flat_index();
  if (gid >= uint(p.outer * p.block)) return;
  const int o = int(gid) / p.block, i = int(gid) % p.block;
  y[o * p.out_block + p.column + i] = activate(x[gid], ACT);
}
