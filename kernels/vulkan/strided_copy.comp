#version 450
// A strided view of the input, copied (TRANSPOSE, SLICE, STRIDED_SLICE:
// ops/strided_view.h): output element k, row-major over counts[0..rank),
// reads input element base + sum_d index_d * steps[d] (steps may be
// negative). Up to 6 axes, after merging.
#include "common.glsl"

layout(std430, binding = 0) writeonly buffer Out { T y[]; };
layout(std430, binding = 1) readonly buffer In { T x[]; };

layout(push_constant) uniform Params {
  int total, base, rank;
  int counts[6];
  int steps[6];
} p;

void main() {
  const uint gid = flat_index();
  if (gid >= uint(p.total)) return;
  int i = int(gid), at = p.base;
  for (int d = p.rank - 1; d >= 0; --d) {
    at += (i % p.counts[d]) * p.steps[d];
    i /= p.counts[d];
  }
  y[gid] = x[at];
}
