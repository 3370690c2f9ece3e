#version 450
// FULLY_CONNECTED over block-quantized weights (blocks.glsl): out[r, u] =
// act(sum_k in[r, k] * w[u, k] + bias[u]). One workgroup of 64 per output
// value: its threads take whole blocks of row u in turn, then add their
// sums in shared memory; or, with PER_THREAD (CPU devices, where barriers
// are dear), one invocation per output value over all of its blocks.
// Outputs go row by row (r outer), so a run with fewer rows launches a
// prefix of them. Decode (one row) is a GEMV that reads each weight once.
#include "common.glsl"

layout(constant_id = 0) const int ACT = 0;
layout(constant_id = 2) const int PER_THREAD = 0;

layout(std430, binding = 0) writeonly buffer Out { T y[]; };
layout(std430, binding = 1) readonly buffer In { T x[]; };
layout(std430, binding = 2) readonly buffer Scales { float scales[]; };
layout(std430, binding = 3) readonly buffer Quants { uint quants[]; };
layout(std430, binding = 4) readonly buffer Bias { T b[]; };

layout(push_constant) uniform Params {
  int rows, units, depth;
} p;

#include "blocks.glsl"

shared float partial[64];

// sum_j x[xo + j] * w_j over block blk (its scales and mins applied).
float block_dot(uint blk, uint xo) {
  if (INT8_QUANTS) {
    float s0 = 0.0, s1 = 0.0;  // values 0-15 and 16-31 (Q6_K's two scales)
    for (uint w = 0u; w < 8u; ++w) {
      const uint q = quants[blk * 8u + w];
      const vec4 v = vec4(int(q << 24) >> 24, int(q << 16) >> 24, int(q << 8) >> 24, int(q) >> 24);
      const uint o = xo + 4u * w;
      const float d = dot(v, vec4(x[o], x[o + 1u], x[o + 2u], x[o + 3u]));
      if (w < 4u)
        s0 += d;
      else
        s1 += d;
    }
    if (FORMAT == 5) return s0 * scales[2u * blk] + s1 * scales[2u * blk + 1u];
    return (s0 + s1) * scales[blk];
  }
  float s = 0.0, xsum = 0.0;
  for (uint w = 0u; w < 4u; ++w) {
    const uint q = quants[blk * 4u + w];
    for (uint i = 0u; i < 4u; ++i) {
      const uint byte = (q >> (8u * i)) & 0xFFu, j = 4u * w + i;
      const float xa = float(x[xo + j]), xb = float(x[xo + j + 16u]);
      s += nibble_value(byte & 15u) * xa + nibble_value(byte >> 4) * xb;
      xsum += xa + xb;
    }
  }
  if (FORMAT == 4) return s * scales[2u * blk] - scales[2u * blk + 1u] * xsum;
  return s * scales[blk];
}

void main() {
  const uint units = uint(p.units), nb = uint(p.depth) / 32u;
  if (PER_THREAD != 0) {
    const uint gid = flat_index();
    if (gid >= uint(p.rows) * units) return;
    const uint u = gid % units, r = gid / units;
    float acc = 0.0;
    for (uint k = 0u; k < nb; ++k) acc += block_dot(u * nb + k, r * uint(p.depth) + 32u * k);
    y[gid] = T(activate(acc + float(b[u]), ACT));
    return;
  }
  const uint wid = gl_WorkGroupID.x + gl_WorkGroupID.y * gl_NumWorkGroups.x;
  if (wid >= uint(p.rows) * units) return;  // the whole workgroup leaves
  const uint u = wid % units, r = wid / units, tid = gl_LocalInvocationID.x;
  float acc = 0.0;
  for (uint k = tid; k < nb; k += 64u) acc += block_dot(u * nb + k, r * uint(p.depth) + 32u * k);
  partial[tid] = acc;
  barrier();
  for (uint s = 32u; s > 0u; s >>= 1) {
    if (tid < s) partial[tid] += partial[tid + s];
    barrier();
  }
  if (tid == 0u) y[wid] = T(activate(partial[0] + float(b[u]), ACT));
}
