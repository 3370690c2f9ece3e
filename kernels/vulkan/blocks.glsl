// Block-quantized weight rows as the Vulkan lowering repacks them
// (backends/vulkan/vk_ops_llm.cpp): per block of 32 values an fp32 scale
// (scales[]) and its quants (quants[]): 8 words of int8 (FORMAT 0: Q8_0),
// or 4 words of nibbles, byte j holding value j (low) and j + 16 (high),
// minus 8 (FORMAT 1: Q4_0) or through the M0E4 table of signed powers of
// two (FORMAT 2). FORMAT 3: plain fp32 rows in scales[] (F32 tables);
// FORMAT 6: fp16 rows in quants[], two values to a word (F16 tables).
// The k-quants keep two floats per block of 32: Q4_K (FORMAT 4) unsigned
// nibbles, value q * scale - min (scales[2b], scales[2b + 1]); Q6_K
// (FORMAT 5) int8 words, a scale per 16 values (scales[2b + j / 16]).
// The including shader declares scales[] and quants[].
layout(constant_id = 1) const int FORMAT = 0;
const bool INT8_QUANTS = FORMAT == 0 || FORMAT == 5;  // else nibbles

// A nibble's value: Q4_0 subtracts 8; M0E4 is 0, 1, 2, .. 64, then 0, -1, .. -64.
float nibble_value(uint n) {
  if (FORMAT == 4) return float(n);
  if (FORMAT == 1) return float(int(n) - 8);
  const uint m = n & 7u;
  const float v = m == 0u ? 0.0 : float(1u << (m - 1u));
  return (n & 8u) != 0u ? -v : v;
}

// Value j (0..31) of block `blk`, before its scale.
float block_quant(uint blk, uint j) {
  if (INT8_QUANTS) {
    const uint w = quants[blk * 8u + j / 4u];
    return float(int(w << (24u - 8u * (j % 4u))) >> 24);
  }
  const uint jj = j % 16u;
  const uint byte = (quants[blk * 4u + jj / 4u] >> (8u * (jj % 4u))) & 0xFFu;
  return nibble_value(j < 16u ? byte & 15u : byte >> 4);
}

// Element k of row r of a [rows, depth] matrix.
float weight_at(uint r, uint k, uint depth) {
  if (FORMAT == 3) return scales[r * depth + k];
  if (FORMAT == 6) {
    const uint i = r * depth + k;
    const vec2 h = unpackHalf2x16(quants[i / 2u]);
    return (i & 1u) != 0u ? h.y : h.x;
  }
  const uint blk = r * (depth / 32u) + k / 32u, j = k % 32u;
  if (FORMAT == 4) return block_quant(blk, j) * scales[2u * blk] - scales[2u * blk + 1u];
  if (FORMAT == 5) return block_quant(blk, j) * scales[2u * blk + j / 16u];
  return block_quant(blk, j) * scales[blk];
}
