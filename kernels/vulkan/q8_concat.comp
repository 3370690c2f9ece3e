#version 450
// CONCATENATION on int8/uint8 (vk_quant.h): every input in one dispatch,
// since an output word can hold columns of two inputs. The output is
// [outer][out_block]; input i fills columns [start_i, start_i + block_i).
// Up to 6 inputs (unused bindings repeat input 1). One invocation writes
// one output word.
#include "common.glsl"

layout(constant_id = 0) const int SIGNED = 1;
layout(constant_id = 1) const int INPUTS = 2;
#include "quant.glsl"

layout(std430, binding = 0) writeonly buffer Out { uint y[]; };
layout(std430, binding = 1) readonly buffer In0 { uint x0[]; };
layout(std430, binding = 2) readonly buffer In1 { uint x1[]; };
layout(std430, binding = 3) readonly buffer In2 { uint x2[]; };
layout(std430, binding = 4) readonly buffer In3 { uint x3[]; };
layout(std430, binding = 5) readonly buffer In4 { uint x4[]; };
layout(std430, binding = 6) readonly buffer In5 { uint x5[]; };

layout(push_constant) uniform Params {
  int total, out_block;
  int block[6];
} p;

int load(int input_index, int i) {
  switch (input_index) {
    case 0: return Q_LOAD(x0, i);
    case 1: return Q_LOAD(x1, i);
    case 2: return Q_LOAD(x2, i);
    case 3: return Q_LOAD(x3, i);
    case 4: return Q_LOAD(x4, i);
    default: return Q_LOAD(x5, i);
  }
}

void main() {
  const int e0 = int(flat_index()) * 4;
  if (e0 >= p.total) return;
  ivec4 r = ivec4(0);
  for (int j = 0; j < 4 && e0 + j < p.total; ++j) {
    const int o = (e0 + j) / p.out_block;
    int col = (e0 + j) % p.out_block;
    int k = 0;
    while (k < INPUTS - 1 && col >= p.block[k]) col -= p.block[k++];
    r[j] = load(k, o * p.block[k] + col);
  }
  y[e0 >> 2] = q_pack(r);
}
