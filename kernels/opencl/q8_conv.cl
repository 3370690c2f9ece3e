// CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED on int8/uint8 (quant.cl),
// NHWC: int32 sums of (x - x_zero) (w - w_zero) plus the bias, requantized
// per output channel. Operands: y, x, the weights (the model's bytes), the
// per-channel table (int32: bias, weight zero point, multiplier, shift).

// Output channel oc's int4 of the table: bias, weight zero point, multiplier, shift.
#define CHANNEL(oc) vload4((oc), INT_OPERAND(3))

// Arguments: sign, IH, IW, IC, OH, OW, OC, KH, KW, stride h/w, dilation h/w,
// pad top/left, channels per work item (1, or 4 when OC % 4 == 0: each input
// byte loaded serves four sums), whether IC % 4 == 0 (inputs and weights
// read four bytes at a time), x_zero, y_zero, lo, hi. Weights OHWI.
__kernel void q8_conv2d(KERNEL_ARGS) {
  const int item = get_global_id(0);
  if (item >= n) return;
  const int s = P(4), IH = P(5), IW = P(6), IC = P(7), OH = P(8), OW = P(9), OC = P(10);
  const int KH = P(11), KW = P(12), SH = P(13), SW = P(14), DH = P(15), DW = P(16);
  const int count = P(19), ic4 = P(20), xz = P(21);
  const int e0 = item * count, oc0 = e0 % OC, pix = e0 / OC;
  const int ox = pix % OW, oy = (pix / OW) % OH, b = pix / (OW * OH);
  __global const uchar* x = Q_OPERAND(1);
  __global const uchar* w = Q_OPERAND(2);
  const int wrow = KH * KW * IC;  // one output channel's weights
  int acc[4], wz[4];
  for (int j = 0; j < 4; ++j) {
    const int4 c = CHANNEL(oc0 + min(j, count - 1));
    acc[j] = c.x;
    wz[j] = c.y;
  }
  for (int ky = 0; ky < KH; ++ky) {
    const int iy = oy * SH - P(17) + ky * DH;
    if (iy < 0 || iy >= IH) continue;
    for (int kx = 0; kx < KW; ++kx) {
      const int ix = ox * SW - P(18) + kx * DW;
      if (ix < 0 || ix >= IW) continue;
      __global const uchar* xp = x + ((b * IH + iy) * IW + ix) * IC;
      __global const uchar* wp = w + (oc0 * KH + ky) * KW * IC + kx * IC;
      if (ic4) {
        for (int ic = 0; ic < IC; ic += 4) {
          const int4 xv = Q_VAL4(vload4(0, xp + ic), s) - xz;
          for (int j = 0; j < count; ++j)
            acc[j] += dot4i(xv, Q_VAL4(vload4(0, wp + j * wrow + ic), s) - wz[j]);
        }
      } else {
        for (int ic = 0; ic < IC; ++ic) {
          const int xv = Q_VAL(xp[ic], s) - xz;
          for (int j = 0; j < count; ++j) acc[j] += xv * (Q_VAL(wp[j * wrow + ic], s) - wz[j]);
        }
      }
    }
  }
  __global uchar* y = Q_OPERAND(0) + e0;
  for (int j = 0; j < count; ++j) {
    const int4 c = CHANNEL(oc0 + j);
    y[j] = (uchar)q_output(requantize(acc[j], c.z, c.w), P(22), P(23), P(24));
  }
}

// Output channel oc reads input channel oc / M. Arguments: sign, IH, IW,
// IC, OH, OW, OC, KH, KW, stride h/w, dilation h/w, pad top/left, M, x_zero,
// y_zero, lo, hi. Weights [KH][KW][OC]. One output element per work item.
__kernel void q8_depthwise_conv2d(KERNEL_ARGS) {
  const int i = get_global_id(0);
  if (i >= n) return;
  const int s = P(4), IH = P(5), IW = P(6), IC = P(7), OH = P(8), OW = P(9), OC = P(10);
  const int KH = P(11), KW = P(12), SH = P(13), SW = P(14), DH = P(15), DW = P(16);
  const int xz = P(20);
  const int4 o = nhwc_of(i, OH, OW, OC);
  const int ic = o.w / P(19);
  const int4 c = CHANNEL(o.w);
  __global const uchar* x = Q_OPERAND(1) + o.x * IH * IW * IC + ic;
  __global const uchar* w = Q_OPERAND(2) + o.w;
  int acc = c.x;
  for (int ky = 0; ky < KH; ++ky) {
    const int iy = o.y * SH - P(17) + ky * DH;
    if (iy < 0 || iy >= IH) continue;
    for (int kx = 0; kx < KW; ++kx) {
      const int ix = o.z * SW - P(18) + kx * DW;
      if (ix < 0 || ix >= IW) continue;
      acc += (Q_VAL(x[(iy * IW + ix) * IC], s) - xz) * (Q_VAL(w[(ky * KW + kx) * OC], s) - c.y);
    }
  }
  Q_OPERAND(0)[i] = (uchar)q_output(requantize(acc, c.z, c.w), P(21), P(22), P(23));
}

// out[b, u] from x[b, :] and weights [units, depth]. Arguments: sign,
// units, depth, whether depth % 4 == 0 (four bytes at a time), x_zero,
// y_zero, lo, hi. One output element per work item.
__kernel void q8_fully_connected(KERNEL_ARGS) {
  const int i = get_global_id(0);
  if (i >= n) return;
  const int s = P(4), units = P(5), depth = P(6), xz = P(8);
  const int u = i % units;
  const int4 c = CHANNEL(u);
  __global const uchar* x = Q_OPERAND(1) + (i / units) * depth;
  __global const uchar* w = Q_OPERAND(2) + u * depth;
  int acc = c.x;
  if (P(7)) {
    for (int k = 0; k < depth; k += 4)
      acc += dot4i(Q_VAL4(vload4(0, x + k), s) - xz, Q_VAL4(vload4(0, w + k), s) - c.y);
  } else {
    for (int k = 0; k < depth; ++k) acc += (Q_VAL(x[k], s) - xz) * (Q_VAL(w[k], s) - c.y);
  }
  Q_OPERAND(0)[i] = (uchar)q_output(requantize(acc, c.z, c.w), P(9), P(10), P(11));
}
