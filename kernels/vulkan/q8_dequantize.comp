#version 450
// DEQUANTIZE int8/uint8 -> float (vk_quant.h): scale * (q - zero), one
// correctly rounded fp32 product, so equal to the reference's double
// product rounded once. One output element per invocation.
#include "common.glsl"

layout(constant_id = 0) const int SIGNED = 1;
#include "quant.glsl"

layout(std430, binding = 0) writeonly buffer Out { T y[]; };
layout(std430, binding = 1) readonly buffer In { uint x[]; };

layout(push_constant) uniform Params {
  int total;
  float scale;
  int zero;
} p;

void main() {
  const int i = int(flat_index());
  if (i < p.total) y[i] = T(p.scale * float(Q_LOAD(x, i) - p.zero));
}
