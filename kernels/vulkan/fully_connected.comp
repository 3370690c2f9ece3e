#version 450
// FULLY_CONNECTED: out[b, u] = act(sum_k in[b, k] * w[u, k] + bias[u]), one
// output per invocation; bias is always bound (zeros when the model has none).
#include "common.glsl"

layout(constant_id = 0) const int ACT = 0;

layout(std430, binding = 0) writeonly buffer Out { T y[]; };
layout(std430, binding = 1) readonly buffer In { T x[]; };
layout(std430, binding = 2) readonly buffer Weights { T w[]; };
layout(std430, binding = 3) readonly buffer Bias { T b[]; };

layout(push_constant) uniform Params {
  int batch, units, depth;
} p;

void main() {
  const uint gid = flat_index();
  if (gid >= uint(p.batch * p.units)) return;
  const int u = int(gid) % p.units, n = int(gid) / p.units;
  ACC acc = ACC(0);
  const int xb = n * p.depth, wb = u * p.depth;
  for (int k = 0; k < p.depth; ++k) acc += ACC(x[xb + k]) * ACC(w[wb + k]);
  y[gid] = T(activate(acc + ACC(b[u]), ACT));
}
