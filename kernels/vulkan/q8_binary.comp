#version 450
// ADD, SUB, MUL on int8/uint8 (vk_quant.h) with numpy broadcasting over up
// to 4 dims, as binary.comp; one invocation computes one output word.
// ADD/SUB as TFLite's: both centered inputs shifted left 20 bits and
// rescaled (multipliers a, b), summed, rescaled to the output (quant/
// affine.h affine_addition); MUL: the centered product rescaled (a).
#include "common.glsl"

layout(constant_id = 0) const int SIGNED = 1;
layout(constant_id = 1) const int OP = BINARY_Add;
#include "quant.glsl"

layout(std430, binding = 0) writeonly buffer Out { uint y[]; };
layout(std430, binding = 1) readonly buffer A { uint a[]; };
layout(std430, binding = 2) readonly buffer B { uint b[]; };

layout(push_constant) uniform Params {
  ivec4 dims;      // output shape
  ivec4 a_stride;  // element strides of a over the output's dims
  ivec4 b_stride;
  int total, a_zero, b_zero, y_zero, lo, hi;
  int a_mul, a_shift, b_mul, b_shift, y_mul, y_shift;
} p;

int compute(int u, int v) {
  if (OP == BINARY_Mul) return requantize(u * v, p.a_mul, p.a_shift);
  const int su = requantize(u * (1 << 20), p.a_mul, p.a_shift);
  const int sv = requantize(v * (1 << 20), p.b_mul, p.b_shift);
  return requantize(OP == BINARY_Sub ? su - sv : su + sv, p.y_mul, p.y_shift);
}

void main() {
  const int e0 = int(flat_index()) * 4;
  if (e0 >= p.total) return;
  ivec4 r = ivec4(0);
  for (int j = 0; j < 4 && e0 + j < p.total; ++j) {
    int i = e0 + j;
    ivec4 o;
    o.w = i % p.dims.w;
    i /= p.dims.w;
    o.z = i % p.dims.z;
    i /= p.dims.z;
    o.y = i % p.dims.y;
    o.x = i / p.dims.y;
    const ivec4 ia = o * p.a_stride, ib = o * p.b_stride;
    const int u = Q_LOAD(a, ia.x + ia.y + ia.z + ia.w) - p.a_zero;
    const int v = Q_LOAD(b, ib.x + ib.y + ib.z + ib.w) - p.b_zero;
    r[j] = q_output(compute(u, v), p.y_zero, p.lo, p.hi);
  }
  y[e0 >> 2] = q_pack(r);
}
