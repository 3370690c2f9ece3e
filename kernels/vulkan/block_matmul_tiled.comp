#version 450
// FULLY_CONNECTED over block-quantized weights (blocks.glsl) for runs of
// many rows (prefill): out[r, u] = act(sum_k in[r, k] * w[u, k] + bias[u]).
// A workgroup of 64 computes a tile of ROWS rows x 64 outputs: each thread
// owns one output and decodes each of its weight blocks into registers once
// per tile, for all the tile's rows (the GEMV reads it once per row); the
// rows' activations are staged in shared memory, CHUNK blocks at a time.
// Tiles go row tile by row tile (rows outer), so a run with fewer rows
// launches a prefix of them. Per output the sums are the GEMV's
// (block_dot.glsl), in the same order.
#include "common.glsl"

layout(constant_id = 0) const int ACT = 0;
layout(constant_id = 2) const int ROWS = 16;  // rows per tile

layout(std430, binding = 0) writeonly buffer Out { T y[]; };
layout(std430, binding = 1) readonly buffer In { T x[]; };
layout(std430, binding = 2) readonly buffer Scales { float scales[]; };
layout(std430, binding = 3) readonly buffer Quants { uint quants[]; };
layout(std430, binding = 4) readonly buffer Bias { T b[]; };

layout(push_constant) uniform Params {
  int rows, units, depth;
} p;

#include "blocks.glsl"

const uint CHUNK = 4u;             // blocks of 32 staged at a time
shared vec4 xs[ROWS * CHUNK * 8];  // [row][block][8 vec4]

#define BLOCK_X4(base, w) xs[(base) + (w)]
#include "block_dot.glsl"

void main() {
  const uint rows = uint(p.rows), units = uint(p.units), depth = uint(p.depth);
  const uint nb = depth / 32u, unit_tiles = (units + 63u) / 64u;
  const uint wid = gl_WorkGroupID.x + gl_WorkGroupID.y * gl_NumWorkGroups.x;
  if (wid >= (rows + uint(ROWS) - 1u) / uint(ROWS) * unit_tiles) return;  // the whole workgroup
  const uint tid = gl_LocalInvocationID.x;
  const uint r0 = wid / unit_tiles * uint(ROWS), u = wid % unit_tiles * 64u + tid;
  const uint nr = min(uint(ROWS), rows - r0);
  float acc[ROWS];
  for (int r = 0; r < ROWS; ++r) acc[r] = 0.0;
  for (uint k0 = 0u; k0 < nb; k0 += CHUNK) {
    const uint nk = min(CHUNK, nb - k0);
    barrier();  // the last chunk's reads are done
    // Rows past the run's are zeros, so every thread sums all ROWS rows
    // (no branch in the inner loop).
    for (uint i = tid; i < uint(ROWS) * nk * 8u; i += 64u) {
      const uint r = i / (nk * 8u), c = i % (nk * 8u);
      const uint o = min(r0 + r, rows - 1u) * depth + k0 * 32u + 4u * c;
      xs[r * CHUNK * 8u + c] =
          r < nr ? vec4(x[o], x[o + 1u], x[o + 2u], x[o + 3u]) : vec4(0.0);
    }
    barrier();
    if (u >= units) continue;
    for (uint k = 0u; k < nk; ++k) {
      const uint blk = u * nb + k0 + k;
      vec4 q[8];
      load_block(blk, q);
      for (int r = 0; r < ROWS; ++r) acc[r] += block_dot(blk, q, uint(r) * CHUNK * 8u + k * 8u);
    }
  }
  if (u >= units) return;
  const float bias = float(b[u]);
  for (int r = 0; r < ROWS; ++r)
    if (uint(r) < nr) y[(r0 + uint(r)) * units + u] = T(activate(acc[r] + bias, ACT));
}
