#version 450
// SOFTMAX over the last axis with beta, one row per invocation, in fp32.
#include "common.glsl"

layout(std430, binding = 0) writeonly buffer Out { T y[]; };
layout(std430, binding = 1) readonly buffer In { T x[]; };

layout(push_constant) uniform Params {
  int rows, cols;
  float beta;
} p;

void main() {
  const uint row = flat_index();
  if (row >= uint(p.rows)) return;
  const int base = int(row) * p.cols;
  float mx = -3.402823466e38;
  for (int i = 0; i < p.cols; ++i) mx = max(mx, float(x[base + i]));
  float sum = 0.0;
  for (int i = 0; i < p.cols; ++i) sum += exp((float(x[base + i]) - mx) * p.beta);
  for (int i = 0; i < p.cols; ++i) y[base + i] = T(exp((float(x[base + i]) - mx) * p.beta) / sum);
}
