// Elementwise ops on int8/uint8 (quant.cl), one output element per work item.

// ADD, SUB, MUL with numpy broadcasting over up to 4 dims, as `binary`.
// ADD/SUB as TFLite's: both centered inputs shifted left 20 bits and
// rescaled (multipliers a, b), summed, rescaled to the output (quant/
// affine.h affine_addition); MUL: the centered product rescaled (a).
// Operands: y, a, b. Arguments: sign, function code, output dims[4], a's
// strides[4], b's strides[4] (0 where broadcast), a_zero, b_zero, y_zero,
// lo, hi, multiplier and shift of a, b and the sum, whether a and b have
// the output's shape (then element i of each, no index arithmetic).
__kernel void q8_binary(KERNEL_ARGS) {
  const int i = get_global_id(0);
  if (i >= n) return;
  const int s = P(3), fn = P(4);
  int at_a = i, at_b = i;
  if (!P(28)) {
    const int4 o = coords4(i, P4(prm, base + 5));
    const int4 ia = P4(prm, base + 9) * o, ib = P4(prm, base + 13) * o;
    at_a = ia.x + ia.y + ia.z + ia.w;
    at_b = ib.x + ib.y + ib.z + ib.w;
  }
  const int u = Q_VAL(Q_OPERAND(1)[at_a], s) - P(17);
  const int v = Q_VAL(Q_OPERAND(2)[at_b], s) - P(18);
  int r;
  if (fn == BINARY_Mul) {
    r = requantize(u * v, P(22), P(23));
  } else {
    const int su = requantize(u * (1 << 20), P(22), P(23));
    const int sv = requantize(v * (1 << 20), P(24), P(25));
    r = requantize(fn == BINARY_Sub ? su - sv : su + sv, P(26), P(27));
  }
  Q_OPERAND(0)[i] = (uchar)q_output(r, P(19), P(20), P(21));
}

// A function of one byte through 256-entry tables: y = table[x byte][channel],
// `channels` tables along the last axis (1 for LOGISTIC, TANH, HARD_SWISH and
// the RELUs; PRELU's per-channel alpha), made on the host by the op's
// reference kernel. Operands: y, x, the tables (bytes). Arguments: channels.
__kernel void q8_lut(KERNEL_ARGS) {
  const int i = get_global_id(0);
  if (i >= n) return;
  const int channels = P(3);
  Q_OPERAND(0)[i] = Q_OPERAND(2)[(int)Q_OPERAND(1)[i] * channels + i % channels];
}
