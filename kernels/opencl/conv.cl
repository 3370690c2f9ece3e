// CONV_2D (OHWI weights), DEPTHWISE_CONV_2D ([1, KH, KW, OC] weights),
// TRANSPOSE_CONV (OHWI weights), FULLY_CONNECTED ([units, depth] weights)
// and BATCH_MATMUL, NHWC, accumulated in fp32 (whatever the storage). One
// output element per work item, except conv2d and transpose_conv:
// ODIN_CONV_TILE output channels of one pixel (a tuned program variant's
// -D), each input value loaded once for all of them.

#ifndef ODIN_CONV_TILE
#define ODIN_CONV_TILE 1
#endif

// The window's arguments, shared by conv2d, depthwise_conv2d and
// transpose_conv (dilation 1). Operands:
// y, x, weights, bias, (conv2d: an addend,) a fused PRELU's slopes [OC].
// Arguments, from parameter `a` on: IH, IW, IC, OH, OW, OC, KH, KW, stride
// h/w, dilation h/w, pad top/left, activation, (conv2d: whether to add the
// addend,) whether to apply the slopes. Operands the flags leave unread are
// bound to others.
typedef struct {
  int IH, IW, IC, OH, OW, OC, KH, KW, SH, SW, DH, DW, pad_top, pad_left, act;
} Window;

Window window_of(__global const int* prm, int base, int a) {
  Window w;
  w.IH = P(a), w.IW = P(a + 1), w.IC = P(a + 2), w.OH = P(a + 3), w.OW = P(a + 4);
  w.OC = P(a + 5), w.KH = P(a + 6), w.KW = P(a + 7), w.SH = P(a + 8), w.SW = P(a + 9);
  w.DH = P(a + 10), w.DW = P(a + 11), w.pad_top = P(a + 12), w.pad_left = P(a + 13);
  w.act = P(a + 14);
  return w;
}

// The fused activation, then a fused PRELU's slope when `alpha` is given.
float epilogue(float v, int act, int prelu, __global const store_t* alpha, int oc) {
  v = activate(v, act);
  return prelu && v < 0.0f ? v * LD(alpha, oc) : v;
}

// Output channel oc of a pixel whose channels start at y (and at addend):
// v, plus the fused residual addend when has_addend, through epilogue().
void store_output(__global store_t* y, __global const store_t* addend, int oc, float v, int act,
                  int has_addend, int has_prelu, __global const store_t* alpha) {
  if (has_addend) v += LD(addend, oc);
  ST(y, oc, epilogue(v, act, has_prelu, alpha, oc));
}

// The tile of conv2d and transpose_conv's work item i: pixel i / OCT
// (o: n, y, x), output channels oc0 = (i % OCT) * ODIN_CONV_TILE onwards,
// where OCT = ceil(OC / ODIN_CONV_TILE); w[t] points at channel oc0 + t's
// weights (OHWI), acc[t] starts at its bias. Channels past OC are computed
// (as OC - 1), never stored.
typedef struct {
  int4 o;
  int oc0;
  __global const store_t* w[ODIN_CONV_TILE];
  float acc[ODIN_CONV_TILE];
} Tile;

Tile tile_of(int i, const Window* p, __global const store_t* weights,
             __global const store_t* bias) {
  Tile k;
  const int OCT = (p->OC + ODIN_CONV_TILE - 1) / ODIN_CONV_TILE;
  k.o = nhwc_of(i, p->OH, p->OW, OCT);
  k.oc0 = k.o.w * ODIN_CONV_TILE;
  const int filter = p->KH * p->KW * p->IC;
  for (int t = 0; t < ODIN_CONV_TILE; ++t) {
    const int oc = min(k.oc0 + t, p->OC - 1);
    k.w[t] = weights + oc * filter;
    k.acc[t] = LD(bias, oc);
  }
  return k;
}

// Adds input pixel (iy, ix) of the tile's image through tap (ky, kx).
void tile_add(Tile* k, const Window* p, __global const store_t* x, int iy, int ix, int ky, int kx) {
  __global const store_t* xs = x + ((k->o.x * p->IH + iy) * p->IW + ix) * p->IC;
  const int wo = (ky * p->KW + kx) * p->IC;
  for (int c = 0; c < p->IC; ++c) {
    const float xv = LD(xs, c);
    for (int t = 0; t < ODIN_CONV_TILE; ++t) k->acc[t] += xv * LD(k->w[t], wo + c);
  }
}

// Stores the tile's channels below OC (store_output's epilogue).
void tile_store(const Tile* k, const Window* p, __global store_t* y, __global const store_t* addend,
                int has_addend, int has_prelu, __global const store_t* alpha) {
  const int pixel = ((k->o.x * p->OH + k->o.y) * p->OW + k->o.z) * p->OC;
  for (int t = 0; t < ODIN_CONV_TILE && k->oc0 + t < p->OC; ++t)
    store_output(y + pixel, addend + pixel, k->oc0 + t, k->acc[t], p->act, has_addend, has_prelu,
                 alpha);
}

// Work item i: tile_of's.
__kernel void conv2d(KERNEL_ARGS) {
  const int i = get_global_id(0);
  if (i >= n) return;
  const Window p = window_of(prm, base, 6);
  const int has_addend = P(6 + 15);  // a fused residual ADD: operand 4
  const int has_prelu = P(6 + 16);   // a fused PRELU: operand 5
  Tile k = tile_of(i, &p, OPERAND(2), OPERAND(3));
  for (int ky = 0; ky < p.KH; ++ky) {
    const int iy = k.o.y * p.SH - p.pad_top + ky * p.DH;
    if (iy < 0 || iy >= p.IH) continue;
    for (int kx = 0; kx < p.KW; ++kx) {
      const int ix = k.o.z * p.SW - p.pad_left + kx * p.DW;
      if (ix >= 0 && ix < p.IW) tile_add(&k, &p, OPERAND(1), iy, ix, ky, kx);
    }
  }
  tile_store(&k, &p, OPERAND(0), OPERAND(4), has_addend, has_prelu, OPERAND(5));
}

// TRANSPOSE_CONV (and MediaPipe's Convolution2DTransposeBias) in gather
// form: a work item sums, for its output pixel, the input pixels and taps
// that reach it, so no two work items write the same element. Input pixel
// iy's tap ky lands on output iy * SH - pad_top + ky
// (ops/transpose_conv_geometry.h), so output oy takes the taps
// ky = (oy + pad_top) mod SH, stepping by SH, from input
// iy = (oy + pad_top - ky) / SH. Operands: y, x, weights, bias; the window's
// arguments. Work item i as conv2d's.
__kernel void transpose_conv(KERNEL_ARGS) {
  const int i = get_global_id(0);
  if (i >= n) return;
  const Window p = window_of(prm, base, 4);
  Tile k = tile_of(i, &p, OPERAND(2), OPERAND(3));
  const int ty = k.o.y + p.pad_top, tx = k.o.z + p.pad_left;  // padding is never negative
  for (int ky = ty % p.SH; ky < p.KH; ky += p.SH) {
    const int iy = (ty - ky) / p.SH;
    if (iy < 0) break;  // later taps read further up
    if (iy >= p.IH) continue;
    for (int kx = tx % p.SW; kx < p.KW; kx += p.SW) {
      const int ix = (tx - kx) / p.SW;
      if (ix < 0) break;
      if (ix < p.IW) tile_add(&k, &p, OPERAND(1), iy, ix, ky, kx);
    }
  }
  // No addend, no slopes (their operands bound to the output, never read).
  tile_store(&k, &p, OPERAND(0), OPERAND(0), 0, 0, OPERAND(0));
}

// A 1x1, stride 1, unpadded conv2d as the GEMM [pixels x IC] x [IC x OC]
// (weights [OC][IC]), by tiles of ODIN_TILE_M pixels x ODIN_TILE_N output
// channels (a tuned program variant's -D): a work group walks the input
// channels in slices of 16, stages the slice of the input and of the
// weights in local memory, and each work item accumulates 4 pixels x 4
// output channels from there. The launch is whole groups of TM * TN / 16
// work items, exactly. Operands: conv2d's (y, x, weights, bias, addend,
// slopes). Arguments: pixels, IC, OC, activation, whether to add the
// addend, whether to apply the slopes.
#ifdef ODIN_TILE_M
#define TM ODIN_TILE_M
#define TN ODIN_TILE_N
#define TK 16
#define TM4 (TM / 4)
#define TN4 (TN / 4)
__kernel __attribute__((reqd_work_group_size(TM4 * TN4, 1, 1))) void conv2d_tiled(KERNEL_ARGS) {
  // The slice: xs[k][m4] is input channel k of pixels 4 m4 .. 4 m4 + 3,
  // ws[k][n4] output channels 4 n4 .. 4 n4 + 3 of input channel k; zeros
  // past the pixels and channels.
  __local float4 xs[TK * TM4];
  __local float4 ws[TK * TN4];
  const int pixels = P(6), IC = P(7), OC = P(8), act = P(9), has_addend = P(10),
            has_prelu = P(11);
  const int tiles_n = (OC + TN - 1) / TN;
  const int g = get_group_id(0), lid = get_local_id(0);
  const int m0 = g / tiles_n * TM, n0 = g % tiles_n * TN;
  const int tx = lid % TN4, ty = lid / TN4;
  __global const store_t* x = OPERAND(1);
  __global const store_t* w = OPERAND(2);
  float4 acc[4];
  float4 bias;
  for (int j = 0; j < 4; ++j) {
    const int oc = n0 + 4 * tx + j;
    ((float*)&bias)[j] = oc < OC ? LD(OPERAND(3), oc) : 0.0f;
  }
  for (int i = 0; i < 4; ++i) acc[i] = bias;
  for (int k0 = 0; k0 < IC; k0 += TK) {
    for (int e = lid; e < TK * TM4; e += TM4 * TN4) {
      const int m4 = e / TK, k = e % TK, ic = k0 + k, px = m0 + 4 * m4;
      float4 v = (float4)(0.0f);
      if (ic < IC)
        for (int j = 0; j < 4; ++j)
          if (px + j < pixels) ((float*)&v)[j] = LD(x, (px + j) * IC + ic);
      xs[k * TM4 + m4] = v;
    }
    for (int e = lid; e < TK * TN4; e += TM4 * TN4) {
      const int n4 = e / TK, k = e % TK, ic = k0 + k, oc = n0 + 4 * n4;
      float4 v = (float4)(0.0f);
      if (ic < IC)
        for (int j = 0; j < 4; ++j)
          if (oc + j < OC) ((float*)&v)[j] = LD(w, (oc + j) * IC + ic);
      ws[k * TN4 + n4] = v;
    }
    barrier(CLK_LOCAL_MEM_FENCE);
    const int kn = min(TK, IC - k0);
    for (int k = 0; k < kn; ++k) {
      const float4 a = xs[k * TM4 + ty];
      const float4 wv = ws[k * TN4 + tx];
      acc[0] += a.x * wv;
      acc[1] += a.y * wv;
      acc[2] += a.z * wv;
      acc[3] += a.w * wv;
    }
    barrier(CLK_LOCAL_MEM_FENCE);
  }
  for (int i = 0; i < 4; ++i) {
    const int px = m0 + 4 * ty + i;  // (m is the buffer: OPERAND)
    if (px >= pixels) break;
    for (int j = 0; j < 4; ++j) {
      const int oc = n0 + 4 * tx + j;
      if (oc >= OC) break;
      store_output(OPERAND(0) + px * OC, OPERAND(4) + px * OC, oc, ((float*)&acc[i])[j], act,
                   has_addend, has_prelu, OPERAND(5));
    }
  }
}
#undef TM
#undef TN
#undef TK
#undef TM4
#undef TN4
#endif

// CONV_3D, NDHWC, weights [OC][KD][KH][KW][IC], one output element per
// work item. Operands: y, x, weights, bias. Arguments: ID, IH, IW, IC, OD,
// OH, OW, OC, KD, KH, KW, strides d/h/w, dilations d/h/w, pads d/h/w
// (before), activation.
__kernel void conv3d(KERNEL_ARGS) {
  const int i = get_global_id(0);
  if (i >= n) return;
  const int ID = P(4), IH = P(5), IW = P(6), IC = P(7), OD = P(8), OH = P(9), OW = P(10),
            OC = P(11), KD = P(12), KH = P(13), KW = P(14);
  const int SD = P(15), SH = P(16), SW = P(17), DD = P(18), DH = P(19), DW = P(20);
  const int pad_d = P(21), pad_h = P(22), pad_w = P(23), act = P(24);
  const int oc = i % OC, ox = (i / OC) % OW, oy = (i / (OC * OW)) % OH;
  const int od = (i / (OC * OW * OH)) % OD, b = i / (OC * OW * OH * OD);
  __global const store_t* x = OPERAND(1);
  __global const store_t* w = OPERAND(2) + oc * KD * KH * KW * IC;
  float acc = LD(OPERAND(3), oc);
  for (int kd = 0; kd < KD; ++kd) {
    const int id = od * SD - pad_d + kd * DD;
    if (id < 0 || id >= ID) continue;
    for (int ky = 0; ky < KH; ++ky) {
      const int iy = oy * SH - pad_h + ky * DH;
      if (iy < 0 || iy >= IH) continue;
      for (int kx = 0; kx < KW; ++kx) {
        const int ix = ox * SW - pad_w + kx * DW;
        if (ix < 0 || ix >= IW) continue;
        __global const store_t* xs = x + (((b * ID + id) * IH + iy) * IW + ix) * IC;
        __global const store_t* ws = w + ((kd * KH + ky) * KW + kx) * IC;
        for (int c = 0; c < IC; ++c) acc += LD(xs, c) * LD(ws, c);
      }
    }
  }
  ST(OPERAND(0), i, activate(acc, act));
}

// Output channel oc reads input channel oc / (OC / IC).
__kernel void depthwise_conv2d(KERNEL_ARGS) {
  const int i = get_global_id(0);
  if (i >= n) return;
  const Window p = window_of(prm, base, 5);
  const int has_prelu = P(5 + 15);  // a fused PRELU: operand 4
  const int4 o = nhwc_of(i, p.OH, p.OW, p.OC);
  const int ic = o.w / (p.OC / p.IC);
  __global const store_t* x = OPERAND(1);
  __global const store_t* w = OPERAND(2);
  float acc = LD(OPERAND(3), o.w);
  for (int ky = 0; ky < p.KH; ++ky) {
    const int iy = o.y * p.SH - p.pad_top + ky * p.DH;
    if (iy < 0 || iy >= p.IH) continue;
    for (int kx = 0; kx < p.KW; ++kx) {
      const int ix = o.z * p.SW - p.pad_left + kx * p.DW;
      if (ix < 0 || ix >= p.IW) continue;
      acc += LD(x, ((o.x * p.IH + iy) * p.IW + ix) * p.IC + ic) * LD(w, (ky * p.KW + kx) * p.OC + o.w);
    }
  }
  ST(OPERAND(0), i, epilogue(acc, p.act, has_prelu, OPERAND(4), o.w));
}

// Operands: y, x, weights, bias. Arguments: units, depth, activation.
__kernel void fully_connected(KERNEL_ARGS) {
  const int i = get_global_id(0);
  if (i >= n) return;
  const int units = P(4), depth = P(5);
  const int row = i / units, unit = i % units;
  __global const store_t* x = OPERAND(1) + row * depth;
  __global const store_t* w = OPERAND(2) + unit * depth;
  float acc = LD(OPERAND(3), unit);
  for (int k = 0; k < depth; ++k) acc += LD(x, k) * LD(w, k);
  ST(OPERAND(0), i, activate(acc, P(6)));
}

// BATCH_MATMUL: z[b, i, j] = sum_q X[b, i, q] * Y[b, q, j], X and Y read as
// stored or transposed (adj_x, adj_y); a batch stride of 0 repeats an
// operand's one batch (ops/batch_matmul_dims.h).
__kernel void batch_matmul(KERNEL_ARGS) {
  const int i = get_global_id(0);
  if (i >= n) return;
  const int M = P(3), N = P(4), K = P(5), adj_x = P(8), adj_y = P(9);
  const int col = i % N, row = (i / N) % M, b = i / (N * M);
  __global const store_t* x = OPERAND(1) + b * P(6);
  __global const store_t* y = OPERAND(2) + b * P(7);
  float acc = 0.0f;
  for (int q = 0; q < K; ++q)
    acc += LD(x, adj_x ? q * M + row : row * K + q) * LD(y, adj_y ? col * K + q : q * N + col);
  ST(OPERAND(0), i, acc);
}
