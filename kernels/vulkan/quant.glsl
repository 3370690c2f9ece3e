// Affine int8/uint8 in the q8_* kernels (backends/vulkan/vk_quant.h): four
// elements to a uint word, element i in bits 8 * (i % 4); TFLite's integer
// requantization done exactly (quant/affine.h is the C++ of the same steps).
// A kernel declares `SIGNED` (1: int8, 0: uint8, the dtype it loads) before
// including this file.

// Element i of a packed buffer, given its word.
int q_extract(uint word, int i) {
  const int bit = (i & 3) * 8;
  return SIGNED != 0 ? bitfieldExtract(int(word), bit, 8) : int(bitfieldExtract(word, bit, 8));
}
#define Q_LOAD(buf, i) q_extract(buf[(i) >> 2], (i))

// The four elements of one word.
ivec4 q_unpack(uint word) {
  if (SIGNED != 0) {
    const int s = int(word);
    return ivec4(bitfieldExtract(s, 0, 8), bitfieldExtract(s, 8, 8), bitfieldExtract(s, 16, 8),
                 bitfieldExtract(s, 24, 8));
  }
  return ivec4(uvec4(word) >> uvec4(0, 8, 16, 24) & 255u);
}

// Four elements (already clamped to the dtype) as one word.
uint q_pack(ivec4 v) {
  const uvec4 u = uvec4(v) & 255u;
  return u.x | (u.y << 8) | (u.z << 16) | (u.w << 24);
}

// a * b / 2^31 rounded to nearest, ties up, in 64 bits made of two words
// (gemmlowp's SaturatingRoundingDoublingHighMul).
int doubling_high_mul(int a, int b) {
  const int kMin = int(0x80000000u);
  if (a == kMin && b == kMin) return 0x7fffffff;
  int hi, lo;
  imulExtended(a, b, hi, lo);
  // + 2^30 when a * b >= 0, else + (1 - 2^30): hi:lo + nhi:nlo.
  const uint nlo = hi >= 0 ? 0x40000000u : 0xc0000001u;
  const int nhi = hi >= 0 ? 0 : -1;
  uint carry;
  const uint slo = uaddCarry(uint(lo), nlo, carry);
  const int shi = hi + nhi + int(carry);
  // Divide by 2^31 toward zero: the floor, plus one for a negative sum with
  // a remainder.
  int q = (shi << 1) | int(slo >> 31);
  if (shi < 0 && (slo & 0x7fffffffu) != 0u) q += 1;
  return q;
}

// x / 2^e rounded to nearest, ties away from zero (RoundingDivideByPOT).
int rounding_shift_right(int x, int e) {
  if (e <= 0) return x;
  const int mask = int((1u << uint(e)) - 1u);
  const int remainder = x & mask;
  const int threshold = (mask >> 1) + (x < 0 ? 1 : 0);
  return (x >> e) + (remainder > threshold ? 1 : 0);
}

// round(x * multiplier * 2^(shift - 31)) as MultiplyByQuantizedMultiplier:
// the left shift wraps in 32 bits as TFLite's does.
int requantize(int x, int multiplier, int shift) {
  return rounding_shift_right(doubling_high_mul(x << max(shift, 0), multiplier), max(-shift, 0));
}

// r + zero clamped to [lo, hi] without overflowing int32.
int q_output(int r, int zero, int lo, int hi) {
  return clamp(r, lo - zero, hi - zero) + zero;
}
