// One block of 32 weights (blocks.glsl) against 32 activations, shared by
// the GEMV (block_fully_connected.glsl) and the tiled matmul
// (block_matmul_tiled.comp), so both do the same arithmetic. The includer
// defines BLOCK_X4(base, w): activations 4w..4w+3 of the block as a vec4.

// The block's values before scaling, q[w] = values 4w..4w+3 (the nibble
// formats' byte j holds value j low and j + 16 high).
void load_block(uint blk, out vec4 q[8]) {
  if (INT8_QUANTS) {
    for (uint w = 0u; w < 8u; ++w) {
      const uint v = quants[blk * 8u + w];
      q[w] = vec4(int(v << 24) >> 24, int(v << 16) >> 24, int(v << 8) >> 24, int(v) >> 24);
    }
    return;
  }
  for (uint w = 0u; w < 4u; ++w) {
    const uint v = quants[blk * 4u + w];
    q[w] = vec4(nibble_value(v & 15u), nibble_value((v >> 8) & 15u),
                nibble_value((v >> 16) & 15u), nibble_value((v >> 24) & 15u));
    q[w + 4u] = vec4(nibble_value((v >> 4) & 15u), nibble_value((v >> 12) & 15u),
                     nibble_value((v >> 20) & 15u), nibble_value(v >> 28));
  }
}

// sum_j x_j * w_j over block blk, its scales and mins applied.
float block_dot(uint blk, vec4 q[8], uint base) {
  float s0 = 0.0, s1 = 0.0, xsum = 0.0;  // values 0-15, 16-31 (Q6_K's two scales)
  for (uint w = 0u; w < 8u; ++w) {
    const vec4 xv = BLOCK_X4(base, w);
    const float d = dot(q[w], xv);
    if (w < 4u)
      s0 += d;
    else
      s1 += d;
    if (FORMAT == 4) xsum += (xv.x + xv.y) + (xv.z + xv.w);
  }
  if (FORMAT == 5) return s0 * scales[2u * blk] + s1 * scales[2u * blk + 1u];
  if (FORMAT == 4) return (s0 + s1) * scales[2u * blk] - scales[2u * blk + 1u] * xsum;
  return (s0 + s1) * scales[blk];
}
