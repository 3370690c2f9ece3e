#version 450
// ROPE, one output value per invocation: pair k of a head turns by
// pos * theta_scale^k, the power built by repeated fp32 multiplication as
// the reference does. Pairs are adjacent values, or k and k + n_rot / 2
// (NEOX); values past n_rot are copied.
#include "common.glsl"

layout(std430, binding = 0) writeonly buffer Out { T y[]; };
layout(std430, binding = 1) readonly buffer In { T x[]; };
layout(std430, binding = 2) readonly buffer Positions { int pos[]; };

layout(push_constant) uniform Params {
  int total, width, head_dim, n_rot, neox;
  float theta_scale;
} p;

void main() {
  const uint gid = flat_index();
  if (gid >= uint(p.total)) return;
  const int width = p.width, hd = p.head_dim;
  const int r = int(gid) / width, i = int(gid) % width;
  const int h = i / hd * hd, j = i % hd;
  if (j >= p.n_rot) {
    y[gid] = x[gid];
    return;
  }
  const int half_rot = p.n_rot / 2;
  int k, a;
  if (p.neox != 0) {
    k = j < half_rot ? j : j - half_rot;
    a = h + k;
  } else {
    k = j / 2;
    a = h + 2 * k;
  }
  const int b = p.neox != 0 ? a + half_rot : a + 1;
  float theta = float(pos[r]);
  for (int t = 0; t < k; ++t) theta *= p.theta_scale;
  const float c = cos(theta), s = sin(theta);
  const float xa = float(x[r * width + a]), xb = float(x[r * width + b]);
  y[gid] = T(i == a ? xa * c - xb * s : xa * s + xb * c);
}
