#version 450
// BATCH_MATMUL: z[b, i, j] = sum_q X[b, i, q] * Y[b, q, j], X and Y read as
// stored or transposed (adj_x, adj_y), one output per invocation; a batch
// stride of 0 repeats an operand's one batch (ops/batch_matmul_dims.h).
#include "common.glsl"

layout(constant_id = 0) const int ADJ_X = 0;
layout(constant_id = 1) const int ADJ_Y = 0;

layout(std430, binding = 0) writeonly buffer Out { T z[]; };
layout(std430, binding = 1) readonly buffer X { T x[]; };
layout(std430, binding = 2) readonly buffer Y { T y[]; };

layout(push_constant) uniform Params {
  int batches, m, n, k, x_stride, y_stride;
} p;

void main() {
  const uint gid = flat_index();
  if (gid >= uint(p.batches * p.m * p.n)) return;
  const int j = int(gid) % p.n, i = (int(gid) / p.n) % p.m, b = int(gid) / (p.n * p.m);
  const int xb = b * p.x_stride, yb = b * p.y_stride;
  ACC acc = ACC(0);
  for (int q = 0; q < p.k; ++q) {
    const ACC u = ACC(x[ADJ_X != 0 ? xb + q * p.m + i : xb + i * p.k + q]);
    const ACC v = ACC(y[ADJ_Y != 0 ? yb + j * p.k + q : yb + q * p.n + j]);
    acc += u * v;
  }
  z[gid] = T(acc);
}
