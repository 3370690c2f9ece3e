// Data movement, pooling, resizing, SOFTMAX and the conversions on
// int8/uint8 (quant.cl), NHWC where 4-D. One output element per work item
// unless said otherwise.

// AVERAGE_POOL_2D and MAX_POOL_2D in the input's quantization: windows
// clipped to the input, the average of the raw values rounded half away from
// zero, then the activation's clamp. Operands: y, x. Arguments: sign, IH,
// IW, C, OH, OW, filter h/w, stride h/w, pad top/left, is_max, lo, hi.
__kernel void q8_pool2d(KERNEL_ARGS) {
  const int i = get_global_id(0);
  if (i >= n) return;
  const int s = P(2), IH = P(3), IW = P(4), C = P(5), FH = P(8), FW = P(9);
  const int4 o = nhwc_of(i, P(6), P(7), C);
  const int y0 = o.y * P(10) - P(12), x0 = o.z * P(11) - P(13);
  __global const uchar* x = Q_OPERAND(1) + o.x * IH * IW * C + o.w;
  int sum = 0, mx = -256, count = 0;
  for (int fy = max(0, -y0); fy < min(FH, IH - y0); ++fy)
    for (int fx = max(0, -x0); fx < min(FW, IW - x0); ++fx) {
      const int v = Q_VAL(x[((y0 + fy) * IW + x0 + fx) * C], s);
      sum += v;
      mx = max(mx, v);
      ++count;
    }
  count = max(count, 1);
  const int avg = sum > 0 ? (sum + count / 2) / count : (sum - count / 2) / count;
  Q_OPERAND(0)[i] = (uchar)clamp(P(14) ? mx : avg, P(15), P(16));
}

// PAD over up to 4 dims with `fill`, the zero point's byte (the real 0).
// Operands: y, x. Arguments: output dims[4], input dims[4], before[4], fill.
__kernel void q8_pad(KERNEL_ARGS) {
  const int i = get_global_id(0);
  if (i >= n) return;
  const int at = index4(coords4(i, P4(prm, base + 2)) - P4(prm, base + 10), P4(prm, base + 6));
  Q_OPERAND(0)[i] = at < 0 ? (uchar)P(14) : Q_OPERAND(1)[at];
}

// One input of a CONCATENATION into its columns. Operands: y, x.
// Arguments: the input's block (bytes per outer index), the output's
// block, the first column.
__kernel void q8_copy_block(KERNEL_ARGS) {
  const int i = get_global_id(0);
  if (i >= n) return;
  const int block = P(2);
  Q_OPERAND(0)[(i / block) * P(3) + P(4) + i % block] = Q_OPERAND(1)[i];
}

// QUANTIZE float -> int8/uint8: zero + round(x / scale) (ties away from
// zero, of the correctly rounded quotient), clamped to the dtype, as
// quant/affine.h quantize_value computes it in float. The device's quotient
// can be a few ulp off, which changes the rounding only near a half: only
// there is it made exact. Operands: y, x (the memory buffer). Arguments:
// scale (float), zero, lo, hi.
__kernel void q8_quantize(KERNEL_ARGS) {
  const int i = get_global_id(0);
  if (i >= n) return;
  const float x = LD(OPERAND(1), i), scale = PF(2);
  float d = x / scale;
  if (fabs(fabs(d - trunc(d)) - 0.5f) <= fabs(d) * 0x1p-20f) d = div_rn(x, scale);
  const float q = round(d) + (float)P(3);
  const int lo = P(4), hi = P(5);
  Q_OPERAND(0)[i] = (uchar)(!(q >= (float)lo) ? lo : q > (float)hi ? hi : (int)q);  // NaN: lo
}

// QUANTIZE int8/uint8 -> int8/uint8: (q - x_zero) rescaled in fixed point,
// + y_zero, clamped to the output dtype. Operands: y, x. Arguments: the
// input's sign, x_zero, multiplier, shift, y_zero, lo, hi.
__kernel void q8_requantize(KERNEL_ARGS) {
  const int i = get_global_id(0);
  if (i >= n) return;
  const int v = Q_VAL(Q_OPERAND(1)[i], P(2)) - P(3);
  Q_OPERAND(0)[i] = (uchar)q_output(requantize(v, P(4), P(5)), P(6), P(7), P(8));
}

// DEQUANTIZE int8/uint8 -> float: scale * (q - zero), one correctly rounded
// fp32 product, so equal to the reference's. Operands: y (the memory
// buffer), x. Arguments: sign, scale (float), zero.
__kernel void q8_dequantize(KERNEL_ARGS) {
  const int i = get_global_id(0);
  if (i >= n) return;
  ST(OPERAND(0), i, PF(3) * (float)(Q_VAL(Q_OPERAND(1)[i], P(2)) - P(4)));
}

// RESIZE_BILINEAR, TFLite's integer kernel as kernels/reference/resize.cpp:
// the four raw values weighted in 1/2^20 by Q10 source fractions, rounded
// half away from zero; the output keeps the input's quantization. Operands:
// y, x, the samples (int32: (lo, hi, fraction in 1/1024) per output row,
// then per output column). Arguments: sign, output dims[4], input dims[4].
__kernel void q8_resize_bilinear(KERNEL_ARGS) {
  const int i = get_global_id(0);
  if (i >= n) return;
  const int s = P(3), OH = P(5), OW = P(6), C = P(7), IH = P(9), IW = P(10);
  const int4 o = nhwc_of(i, OH, OW, C);
  __global const int* sy = INT_OPERAND(2) + 3 * o.y;
  __global const int* sx = INT_OPERAND(2) + 3 * (OH + o.z);
  const int dy = sy[2], dx = sx[2];
  __global const uchar* x = Q_OPERAND(1) + o.x * IH * IW * C + o.w;
  __global const uchar* row0 = x + sy[0] * IW * C;
  __global const uchar* row1 = x + sy[1] * IW * C;
  const int x0 = sx[0] * C, x1 = sx[1] * C;
  // |v| <= 255 x 2048^2 < 2^31: a fraction f lies in [-512, 1536), so
  // |1024 - f| + |f| <= 2048 along each axis.
  const int v = Q_VAL(row0[x0], s) * (1024 - dy) * (1024 - dx) +
                Q_VAL(row1[x0], s) * dy * (1024 - dx) + Q_VAL(row0[x1], s) * (1024 - dy) * dx +
                Q_VAL(row1[x1], s) * dy * dx;
  const int mag = (abs(v) + (1 << 19)) >> 20;  // half away from zero, as C's (v +- 2^19) / 2^20
  Q_OPERAND(0)[i] = (uchar)clamp(v < 0 ? -mag : mag, s ? -128 : 0, s ? 127 : 255);
}

// SOFTMAX over the last axis as the reference (kernels/reference/
// softmax.cpp): e = table[max - q] from the host's exp table, sum e in fp32
// in row order, then zero + round(e / (sum * out_scale)) (ties away from
// zero), clamped; the reciprocal correctly rounded, so the bytes equal the
// reference's. One row per work item. Operands: y, x, the exp table (256
// floats' bits in the int32 buffer). Arguments: sign, columns, out_scale
// (float), zero, lo, hi.
__kernel void q8_softmax(KERNEL_ARGS) {
  const int row = get_global_id(0);
  if (row >= n) return;
  const int s = P(3), cols = P(4), zero = P(6);
  __global const uchar* x = Q_OPERAND(1) + row * cols;
  __global uchar* y = Q_OPERAND(0) + row * cols;
  __global const int* table = INT_OPERAND(2);
  int mx = Q_VAL(x[0], s);
  for (int c = 1; c < cols; ++c) mx = max(mx, Q_VAL(x[c], s));
  float sum = 0.0f;
  for (int c = 0; c < cols; ++c) sum += as_float(table[mx - Q_VAL(x[c], s)]);
  const float inv = div_rn(1.0f, sum * PF(5));
  const float lo = (float)(P(7) - zero), hi = (float)(P(8) - zero);
  for (int c = 0; c < cols; ++c) {
    const float v = as_float(table[mx - Q_VAL(x[c], s)]) * inv;
    y[c] = (uchar)((int)clamp(round(v), lo, hi) + zero);
  }
}
