#version 450
// MEAN and SUM over any set of axes: the host splits the input's dims into
// up to 4 runs of kept dims (giving the output index) and 4 of reduced ones
// (ops/reduce_runs.h), each with its element stride. Accumulates in fp32.
#include "common.glsl"

layout(constant_id = 0) const int IS_MEAN = 1;

layout(std430, binding = 0) writeonly buffer Out { T y[]; };
layout(std430, binding = 1) readonly buffer In { T x[]; };

layout(push_constant) uniform Params {
  ivec4 kept_dims;      // innermost last, 1 when unused
  ivec4 kept_stride;
  ivec4 reduced_dims;
  ivec4 reduced_stride;
  int total;            // output elements
  int reduce_count;
} p;

void main() {
  const uint gid = flat_index();
  if (gid >= uint(p.total)) return;
  int i = int(gid), base = 0;
  for (int d = 3; d >= 0; --d) {
    base += (i % p.kept_dims[d]) * p.kept_stride[d];
    i /= p.kept_dims[d];
  }
  float acc = 0.0;
  for (int r = 0; r < p.reduce_count; ++r) {
    int j = r, off = base;
    for (int d = 3; d >= 0; --d) {
      off += (j % p.reduced_dims[d]) * p.reduced_stride[d];
      j /= p.reduced_dims[d];
    }
    acc += float(x[off]);
  }
  y[gid] = T(IS_MEAN != 0 ? acc / float(p.reduce_count) : acc);
}
