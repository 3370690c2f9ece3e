#version 450
// Elementwise int8/uint8 functions through a 256-entry table (vk_quant.h):
// out = table[byte of x], the table made on the host by the op's reference
// kernel over all 256 inputs (LOGISTIC, TANH, HARD_SWISH, the RELUs). One
// invocation maps one word.
#include "common.glsl"

layout(std430, binding = 0) writeonly buffer Out { uint y[]; };
layout(std430, binding = 1) readonly buffer In { uint x[]; };
layout(std430, binding = 2) readonly buffer Table { uint table[]; };  // 256 bytes

layout(push_constant) uniform Params {
  int words;
} p;

uint lookup(uint byte_value) {
  return bitfieldExtract(table[byte_value >> 2], int(byte_value & 3u) * 8, 8);
}

void main() {
  const uint i = flat_index();
  if (i >= uint(p.words)) return;
  const uint v = x[i];
  y[i] = lookup(v & 255u) | (lookup((v >> 8) & 255u) << 8) | (lookup((v >> 16) & 255u) << 16) |
         (lookup(v >> 24) << 24);
}
