#version 450
// RMS_NORM: y = x * (1 / sqrt(mean(x^2) + eps)) * w over each row of d
// values; one workgroup of 64 per row, the sum of squares added in shared
// memory (fp32; the reference sums in double).
#include "common.glsl"

layout(std430, binding = 0) writeonly buffer Out { T y[]; };
layout(std430, binding = 1) readonly buffer In { T x[]; };
layout(std430, binding = 2) readonly buffer Weight { T w[]; };

layout(push_constant) uniform Params {
  int rows, d;
  float eps;
} p;

shared float partial[64];

void main() {
  const uint r = gl_WorkGroupID.x + gl_WorkGroupID.y * gl_NumWorkGroups.x;
  if (r >= uint(p.rows)) return;  // the whole workgroup leaves
  const uint d = uint(p.d), base = r * d, tid = gl_LocalInvocationID.x;
  float sum = 0.0;
  for (uint k = tid; k < d; k += 64u) {
    const float v = float(x[base + k]);
    sum += v * v;
  }
  partial[tid] = sum;
  barrier();
  for (uint s = 32u; s > 0u; s >>= 1) {
    if (tid < s) partial[tid] += partial[tid + s];
    barrier();
  }
  const float scale = 1.0 / sqrt(partial[0] / float(d) + p.eps);
  for (uint k = tid; k < d; k += 64u) y[base + k] = T(float(x[base + k]) * scale * float(w[k]));
}
