#version 450
// Elementwise int8/uint8 functions through 256-entry tables (vk_quant.h):
// out = table[byte of x][channel], `channels` tables along the last axis
// (1 for LOGISTIC, TANH, HARD_SWISH and the RELUs; PRELU's per-channel
// alpha), made on the host by the op's reference kernel over all 256 inputs
// of every channel. One invocation maps one word.
#include "common.glsl"

layout(std430, binding = 0) writeonly buffer Out { uint y[]; };
layout(std430, binding = 1) readonly buffer In { uint x[]; };

layout(std430, binding = 2) readonly buffer Table { uint table[]; };  // 256 x channels bytes

layout(push_constant) uniform Params {
  int words;
  int channels;
} p;

// The table entry of input byte b at element e.
uint lookup(uint b, uint e) {
  const uint at = b * uint(p.channels) + e % uint(p.channels);
  return bitfieldExtract(table[at >> 2], int(at & 3u) * 8, 8);
}

void main() {
  const uint i = flat_index();
  if (i >= uint(p.words)) return;
  const uint v = x[i], e = 4u * i;
  y[i] = lookup(v & 255u, e) | (lookup((v >> 8) & 255u, e + 1u) << 8) |
         (lookup((v >> 16) & 255u, e + 2u) << 16) | (lookup(v >> 24, e + 3u) << 24);
}
