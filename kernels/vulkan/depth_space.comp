#version 450
// DEPTH_TO_SPACE and SPACE_TO_DEPTH (NHWC, TFLite's DCR order), one element
// per invocation, indexed over the wide tensor [N, H*bs, W*bs, C].
#include "common.glsl"

layout(constant_id = 0) const int TO_SPACE = 1;

layout(std430, binding = 0) writeonly buffer Out { T y[]; };
layout(std430, binding = 1) readonly buffer In { T x[]; };

layout(push_constant) uniform Params {
  int N, H, W, C, bs;  // deep tensor [N, H, W, bs*bs*C]
} p;

void main() {
  const uint gid = flat_index();
  const int total = p.N * p.H * p.W * p.bs * p.bs * p.C;
  if (gid >= uint(total)) return;
  int i = int(gid);  // wide index
  const int c = i % p.C;
  i /= p.C;
  const int wx = i % (p.W * p.bs);
  i /= p.W * p.bs;
  const int wy = i % (p.H * p.bs);
  const int n = i / (p.H * p.bs);
  const int h = wy / p.bs, dy = wy % p.bs, w = wx / p.bs, dx = wx % p.bs;
  const int deep = ((n * p.H + h) * p.W + w) * p.bs * p.bs * p.C + (dy * p.bs + dx) * p.C + c;
  if (TO_SPACE != 0)
    y[gid] = x[deep];
  else
    y[deep] = x[gid];
}
