#version 450
// Elementwise activations. Transcendentals are evaluated in fp32 even in the
// fp16 variant (fp16 exp/tanh lose too much near saturation).
#include "common.glsl"

layout(constant_id = 0) const int OP = UNARY_Relu;

layout(std430, binding = 0) writeonly buffer Out { T y[]; };
layout(std430, binding = 1) readonly buffer In { T x[]; };

layout(push_constant) uniform Params {
  int total;
  float alpha;  // LEAKY_RELU
} p;

// erf to ~1.2e-7 absolute (Numerical Recipes' erfc Chebyshev fit).
float erf_approx(float v) {
  const float z = abs(v);
  const float t = 1.0 / (1.0 + 0.5 * z);
  const float r = t * exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 +
                  t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 +
                  t * (-0.82215223 + t * 0.17087277)))))))));
  return v >= 0.0 ? 1.0 - r : r - 1.0;
}

void main() {
  const uint gid = flat_index();
  if (gid >= uint(p.total)) return;
  const float v = float(x[gid]);
  float r;
  if (OP == UNARY_Logistic) r = 1.0 / (1.0 + exp(-v));
  else if (OP == UNARY_Relu) r = max(v, 0.0);
  else if (OP == UNARY_ReluN1To1) r = clamp(v, -1.0, 1.0);
  else if (OP == UNARY_Relu6) r = clamp(v, 0.0, 6.0);
  else if (OP == UNARY_Tanh) r = tanh(v);
  else if (OP == UNARY_HardSwish) r = v * clamp(v + 3.0, 0.0, 6.0) / 6.0;
  else if (OP == UNARY_LeakyRelu) r = v > 0.0 ? v : v * p.alpha;
  else if (OP == UNARY_Rsqrt) r = inversesqrt(v);
  else if (OP == UNARY_Gelu) r = 0.5 * v * (1.0 + erf_approx(v * 0.70710678118654752));
  else if (OP == UNARY_GeluTanh) r = 0.5 * v * (1.0 + tanh(0.7978845608028654 * (v + 0.044715 * v * v * v)));
  else r = uintBitsToFloat(0x7fc00000u);  // a code this kernel lacks: NaN, which tests catch
  y[gid] = T(r);
}
