// Affine int8/uint8 in the q8_* kernels (backends/opencl/cl_quant.h): one
// byte per element in the byte buffer (Q_OPERAND), read as int through the
// kernel's sign argument (128 for int8, 0 for uint8), written as the low
// byte of an int already clamped to the dtype; TFLite's integer
// requantization done exactly (quant/affine.h is the C++ of the same steps,
// kernels/vulkan/quant.glsl the GLSL).

// Operand i's first byte (in the byte buffer).
#define Q_OPERAND(i) (mq + P(i))
// The value of byte b (one byte, or a uchar4): int8 when s is 128.
#define Q_VAL(b, s) ((((int)(b)) ^ (s)) - (s))
#define Q_VAL4(b, s) ((convert_int4(b) ^ (int4)(s)) - (int4)(s))

int dot4i(int4 a, int4 b) {
  const int4 p = a * b;
  return p.x + p.y + p.z + p.w;
}

// a * b / 2^31 rounded to nearest, ties up (gemmlowp's
// SaturatingRoundingDoublingHighMul): the 64-bit product plus the nudge,
// divided toward zero.
int doubling_high_mul(int a, int b) {
  if (a == INT_MIN && b == INT_MIN) return INT_MAX;
  const long ab = (long)a * (long)b;
  const long nudge = ab >= 0 ? (1L << 30) : (1L - (1L << 30));
  return (int)((ab + nudge) / (1L << 31));
}

// x / 2^e rounded to nearest, ties away from zero (RoundingDivideByPOT).
int rounding_shift_right(int x, int e) {
  if (e <= 0) return x;
  const int mask = (int)((1u << (uint)e) - 1u);
  const int remainder = x & mask;
  const int threshold = (mask >> 1) + (x < 0 ? 1 : 0);
  return (x >> e) + (remainder > threshold ? 1 : 0);
}

// round(x * multiplier * 2^(shift - 31)) as MultiplyByQuantizedMultiplier:
// the left shift wraps in 32 bits as TFLite's does.
int requantize(int x, int multiplier, int shift) {
  return rounding_shift_right(doubling_high_mul((int)((uint)x << max(shift, 0)), multiplier),
                              max(-shift, 0));
}

// r + zero clamped to [lo, hi] without overflowing int32.
int q_output(int r, int zero, int lo, int hi) {
  return clamp(r, lo - zero, hi - zero) + zero;
}

// a / d correctly rounded (d > 0): OpenCL's division may be off by 2.5 ulp
// (3 on embedded profiles), so the quotient is first corrected by its
// residual a - d q (exact through fma) over d, which leaves it within an
// ulp, then of it and its neighbours the one with the smallest residual
// is taken.
float div_rn(float a, float d) {
  float q = a / d;
  if (!isfinite(q)) return q;
  q = fma(fma(-d, q, a), 1.0f / d, q);
  float best = q, best_err = fabs(fma(-d, q, a));
  const float lo = nextafter(q, -INFINITY), hi = nextafter(q, INFINITY);
  const float lo_err = fabs(fma(-d, lo, a)), hi_err = fabs(fma(-d, hi, a));
  if (lo_err < best_err) best = lo, best_err = lo_err;
  if (hi_err < best_err) best = hi;
  return best;
}
