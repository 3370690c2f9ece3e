// Activations (unary) and broadcasting binary ops with a fused activation.

// erf to ~1.2e-7 absolute (Numerical Recipes' erfc Chebyshev fit), as the
// Vulkan kernel has it: identical results on both GPU backends.
float erf_approx(float v) {
  const float z = fabs(v);
  const float t = 1.0f / (1.0f + 0.5f * z);
  const float r =
      t * exp(-z * z - 1.26551223f +
              t * (1.00002368f +
                   t * (0.37409196f +
                        t * (0.09678418f +
                             t * (-0.18628806f +
                                  t * (0.27886807f +
                                       t * (-1.13520398f +
                                            t * (1.48851587f +
                                                 t * (-0.82215223f + t * 0.17087277f)))))))));
  return v >= 0.0f ? 1.0f - r : r - 1.0f;
}

// Operands: y, x. Arguments: function code, LEAKY_RELU's alpha.
__kernel void unary(KERNEL_ARGS) {
  const int i = get_global_id(0);
  if (i >= n) return;
  const float v = LD(OPERAND(1), i);
  const float alpha = PF(3);
  float r;
  switch (P(2)) {
    case UNARY_Logistic: r = 1.0f / (1.0f + exp(-v)); break;
    case UNARY_Relu: r = fmax(v, 0.0f); break;
    case UNARY_ReluN1To1: r = clamp(v, -1.0f, 1.0f); break;
    case UNARY_Relu6: r = clamp(v, 0.0f, 6.0f); break;
    case UNARY_Tanh: r = tanh(v); break;
    case UNARY_HardSwish: r = v * clamp(v + 3.0f, 0.0f, 6.0f) / 6.0f; break;
    case UNARY_LeakyRelu: r = v > 0.0f ? v : v * alpha; break;
    case UNARY_Rsqrt: r = rsqrt(v); break;
    case UNARY_Gelu: r = 0.5f * v * (1.0f + erf_approx(v * 0.70710678118654752f)); break;
    case UNARY_GeluTanh:
      r = 0.5f * v * (1.0f + tanh(0.7978845608028654f * (v + 0.044715f * v * v * v)));
      break;
    default: r = NAN;  // a code this kernel lacks: NaN, which tests catch
  }
  ST(OPERAND(0), i, r);
}

// Operands: y, a, b. Arguments: function code, activation, padded operand
// (0 none, 1 a, 2 b), output dims[4], a's strides[4], b's strides[4] (0
// where broadcast), the fused PAD's before[4] and the padded operand's dims[4].
__kernel void binary(KERNEL_ARGS) {
  const int i = get_global_id(0);
  if (i >= n) return;
  const int padded = P(5);
  const int4 o = coords4(i, P4(prm, base + 6));
  const int4 sa = P4(prm, base + 10) * o, sb = P4(prm, base + 14) * o;
  const int pad_at = padded ? index4(o - P4(prm, base + 18), P4(prm, base + 22)) : 0;
  __global const store_t* a = OPERAND(1);
  __global const store_t* b = OPERAND(2);
  const float u = padded == 1 ? (pad_at < 0 ? 0.0f : LD(a, pad_at)) : LD(a, sa.x + sa.y + sa.z + sa.w);
  const float v = padded == 2 ? (pad_at < 0 ? 0.0f : LD(b, pad_at)) : LD(b, sb.x + sb.y + sb.z + sb.w);
  float r;
  switch (P(3)) {
    case BINARY_Add: r = u + v; break;
    case BINARY_Sub: r = u - v; break;
    case BINARY_Mul: r = u * v; break;
    case BINARY_Div: r = u / v; break;
    case BINARY_Prelu: r = u >= 0.0f ? u : u * v; break;
    case BINARY_SquaredDifference: r = (u - v) * (u - v); break;
    default: r = NAN;
  }
  ST(OPERAND(0), i, activate(r, P(4)));
}
