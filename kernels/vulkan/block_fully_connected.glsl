// FULLY_CONNECTED over block-quantized weights (blocks.glsl), the GEMV of
// runs of few rows (decode): out[r, u] = act(sum_k in[r, k] * w[u, k] +
// bias[u]). One workgroup of 64 per output value: its threads take whole
// blocks of row u in turn, then add their sums, through subgroupAdd where
// the device has subgroup arithmetic (SUBGROUPS: the _subgroup variant),
// else a tree in shared memory; or, with PER_THREAD (CPU devices, where
// barriers are dear), one invocation per output value over all of its
// blocks. Outputs go row by row (r outer), so a run with fewer rows
// launches a prefix of them. Runs of many rows take block_matmul_tiled.comp.
// The including .comp sets SUBGROUPS (0 or 1) and its extensions.
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
#define BLOCK_X4(base, w) \
  vec4(x[(base) + 4u * (w)], x[(base) + 4u * (w) + 1u], x[(base) + 4u * (w) + 2u], \
       x[(base) + 4u * (w) + 3u])
#include "block_dot.glsl"

shared float partial[64];

// Block k of output u against the block of activations at xo.
float dot_at(uint blk, uint xo) {
  vec4 q[8];
  load_block(blk, q);
  return block_dot(blk, q, xo);
}

void main() {
  const uint units = uint(p.units), nb = uint(p.depth) / 32u;
  if (PER_THREAD != 0) {
    const uint gid = flat_index();
    if (gid >= uint(p.rows) * units) return;
    const uint u = gid % units, r = gid / units;
    float acc = 0.0;
    for (uint k = 0u; k < nb; ++k) acc += dot_at(u * nb + k, r * uint(p.depth) + 32u * k);
    y[gid] = T(activate(acc + float(b[u]), ACT));
    return;
  }
  const uint wid = gl_WorkGroupID.x + gl_WorkGroupID.y * gl_NumWorkGroups.x;
  if (wid >= uint(p.rows) * units) return;  // the whole workgroup leaves
  const uint u = wid % units, r = wid / units, tid = gl_LocalInvocationID.x;
  float acc = 0.0;
  for (uint k = tid; k < nb; k += 64u) acc += dot_at(u * nb + k, r * uint(p.depth) + 32u * k);
#if SUBGROUPS
  acc = subgroupAdd(acc);
  if (subgroupElect()) partial[gl_SubgroupID] = acc;
  barrier();
  if (tid == 0u) {
    float s = 0.0;
    for (uint i = 0u; i < gl_NumSubgroups; ++i) s += partial[i];
    y[wid] = T(activate(s + float(b[u]), ACT));
  }
#else
  partial[tid] = acc;
  barrier();
  for (uint s = 32u; s > 0u; s >>= 1) {
    if (tid < s) partial[tid] += partial[tid + s];
    barrier();
  }
  if (tid == 0u) y[wid] = T(activate(partial[0] + float(b[u]), ACT));
#endif
}
