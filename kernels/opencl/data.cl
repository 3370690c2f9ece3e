// PAD, pooling, resizes, concatenation copies and SOFTMAX, NHWC where 4-D.

// Operands: y, x. Arguments: output dims[5], input dims[5], before[5]
// (right-aligned, 1, 1 and 0 where unused).
__kernel void pad(KERNEL_ARGS) {
  const int i = get_global_id(0);
  if (i >= n) return;
  int r = i, at = 0, stride = 1;
  for (int d = 4; d >= 0; --d) {
    const int s = r % P(2 + d) - P(12 + d);
    r /= P(2 + d);
    if (s < 0 || s >= P(7 + d)) {
      ST(OPERAND(0), i, 0.0f);
      return;
    }
    at += s * stride;
    stride *= P(7 + d);
  }
  ST(OPERAND(0), i, LD(OPERAND(1), at));
}

// Operands: y, x. Arguments: IH, IW, C, OH, OW, filter h/w, stride h/w,
// pad top/left, is_max, activation. Windows are clipped to the input
// (padding never counts), as TFLite does.
__kernel void pool2d(KERNEL_ARGS) {
  const int i = get_global_id(0);
  if (i >= n) return;
  const int IH = P(2), IW = P(3), C = P(4), FH = P(7), FW = P(8);
  const int4 o = nhwc_of(i, P(5), P(6), C);
  const int y0 = o.y * P(9) - P(11), x0 = o.z * P(10) - P(12);
  __global const store_t* x = OPERAND(1);
  float sum = 0.0f, mx = -FLT_MAX;
  int count = 0;
  for (int fy = max(0, -y0); fy < min(FH, IH - y0); ++fy)
    for (int fx = max(0, -x0); fx < min(FW, IW - x0); ++fx) {
      const float v = LD(x, ((o.x * IH + y0 + fy) * IW + x0 + fx) * C + o.w);
      sum += v;
      mx = fmax(mx, v);
      ++count;
    }
  ST(OPERAND(0), i, activate(P(13) ? mx : sum / (float)max(count, 1), P(14)));
}

// TFLite's nearest source index: halves round away from zero with align_corners.
int nearest_of(int dst, float scale, int in_size, int align_corners, int half_pixel) {
  const float src = ((float)dst + (half_pixel ? 0.5f : 0.0f)) * scale;
  const int i = align_corners ? (int)floor(src + 0.5f) : (int)floor(src);
  return clamp(i, 0, in_size - 1);
}

// Operands: y, x. Arguments: IH, IW, C, OH, OW, scale h/w (float), nearest,
// align_corners, half_pixel_centers.
__kernel void resize(KERNEL_ARGS) {
  const int i = get_global_id(0);
  if (i >= n) return;
  const int IH = P(2), IW = P(3), C = P(4);
  const float scale_h = PF(7), scale_w = PF(8);
  const int align = P(10), half_px = P(11);
  const int4 o = nhwc_of(i, P(5), P(6), C);
  __global const store_t* x = OPERAND(1) + o.x * IH * IW * C + o.w;
  if (P(9)) {
    ST(OPERAND(0), i,
       LD(x, (nearest_of(o.y, scale_h, IH, align, half_px) * IW +
              nearest_of(o.z, scale_w, IW, align, half_px)) * C));
    return;
  }
  const float sy = half_px ? ((float)o.y + 0.5f) * scale_h - 0.5f : (float)o.y * scale_h;
  const float sx = half_px ? ((float)o.z + 0.5f) * scale_w - 0.5f : (float)o.z * scale_w;
  const int y_lo = clamp((int)floor(sy), 0, IH - 1), y_hi = clamp((int)ceil(sy), 0, IH - 1);
  const int x_lo = clamp((int)floor(sx), 0, IW - 1), x_hi = clamp((int)ceil(sx), 0, IW - 1);
  const float wy = sy - (float)y_lo, wx = sx - (float)x_lo;
  ST(OPERAND(0), i,
     LD(x, (y_lo * IW + x_lo) * C) * (1.0f - wy) * (1.0f - wx) +
         LD(x, (y_hi * IW + x_lo) * C) * wy * (1.0f - wx) +
         LD(x, (y_lo * IW + x_hi) * C) * (1.0f - wy) * wx +
         LD(x, (y_hi * IW + x_hi) * C) * wy * wx);
}

// One input of a concatenation into its columns. Operands: y, x. Arguments:
// the input's block (elements per outer index), the output's block, the
// first column, activation.
__kernel void copy_block(KERNEL_ARGS) {
  const int i = get_global_id(0);
  if (i >= n) return;
  const int block = P(2);
  ST(OPERAND(0), (i / block) * P(3) + P(4) + i % block, activate(LD(OPERAND(1), i), P(5)));
}

// SOFTMAX over the last axis with beta, one row per work item, in fp32.
// Operands: y, x. Arguments: columns, beta (float).
__kernel void softmax(KERNEL_ARGS) {
  const int row = get_global_id(0);
  if (row >= n) return;
  const int cols = P(2);
  const float beta = PF(3);
  __global const store_t* x = OPERAND(1) + row * cols;
  __global store_t* y = OPERAND(0) + row * cols;
  float mx = -FLT_MAX;
  for (int c = 0; c < cols; ++c) mx = fmax(mx, LD(x, c));
  float sum = 0.0f;
  for (int c = 0; c < cols; ++c) sum += exp((LD(x, c) - mx) * beta);
  for (int c = 0; c < cols; ++c) ST(y, c, exp((LD(x, c) - mx) * beta) / sum);
}

// MEAN and SUM. Operands: y, x. Arguments: the kept dims' extents[4] and
// strides[4] in x, the reduced dims' extents[4] and strides[4], the scale
// (float: 1/count for MEAN, 1 for SUM).
__kernel void reduce(KERNEL_ARGS) {
  const int i = get_global_id(0);
  if (i >= n) return;
  const int4 k = coords4(i, P4(prm, base + 2)) * P4(prm, base + 6);
  const int4 rd = P4(prm, base + 10), rs = P4(prm, base + 14);
  __global const store_t* x = OPERAND(1) + k.x + k.y + k.z + k.w;
  float sum = 0.0f;
  for (int a = 0; a < rd.x; ++a)
    for (int b = 0; b < rd.y; ++b)
      for (int c = 0; c < rd.z; ++c)
        for (int d = 0; d < rd.w; ++d) sum += LD(x, a * rs.x + b * rs.y + c * rs.z + d * rs.w);
  ST(OPERAND(0), i, sum * PF(18));
}

// DEPTH_TO_SPACE (to_space 1) and SPACE_TO_DEPTH, over the deep tensor's
// elements. Operands: y, x. Arguments: the deep tensor's H, W, the shallow
// channels C, the block size, to_space.
__kernel void depth_space(KERNEL_ARGS) {
  const int i = get_global_id(0);
  if (i >= n) return;
  const int H = P(2), W = P(3), C = P(4), bs = P(5);
  const int4 d = nhwc_of(i, H, W, C * bs * bs);
  const int by = d.w / (C * bs), bx = (d.w / C) % bs, c = d.w % C;
  const int shallow = ((d.x * H * bs + d.y * bs + by) * W * bs + d.z * bs + bx) * C + c;
  if (P(6))
    ST(OPERAND(0), shallow, LD(OPERAND(1), i));
  else
    ST(OPERAND(0), i, LD(OPERAND(1), shallow));
}

// GATHER_ND: output slice t is the params slice at index tuple t. Operands:
// y, params, the index tuples (int32). Arguments: slice size, depth, (dim,
// stride) per tuple position. A coordinate outside its dim gives zeros
// (constant indices are checked when the model loads).
__kernel void gather_nd(KERNEL_ARGS) {
  const int i = get_global_id(0);
  if (i >= n) return;
  const int slice = P(3), depth = P(4);
  __global const int* tuple = INT_OPERAND(2) + (i / slice) * depth;
  int at = i % slice;
  for (int j = 0; j < depth; ++j) {
    const int c = tuple[j];
    if (c < 0 || c >= P(5 + 2 * j)) {
      ST(OPERAND(0), i, 0.0f);
      return;
    }
    at += c * P(6 + 2 * j);
  }
  ST(OPERAND(0), i, LD(OPERAND(1), at));
}

// GATHER (batch_dims 0): params as [outer, rows, inner], y as [outer,
// count, inner] with count the number of indices. Operands: y, params, the
// indices (int32). Arguments: rows, count, inner. An index outside [0,
// rows) gives zeros.
__kernel void gather(KERNEL_ARGS) {
  const int i = get_global_id(0);
  if (i >= n) return;
  const int rows = P(3), count = P(4), inner = P(5);
  const int o = i / (count * inner), t = (i / inner) % count;
  const int r = INT_OPERAND(2)[t];
  if (r < 0 || r >= rows) {
    ST(OPERAND(0), i, 0.0f);
    return;
  }
  ST(OPERAND(0), i, LD(OPERAND(1), (o * rows + r) * inner + i % inner));
}

// A strided view of x copied (TRANSPOSE, SLICE, STRIDED_SLICE:
// ops/strided_view.h). Operands: y, x. Arguments: base, rank, then (count,
// step) per axis, outermost first: element i reads x[base + sum index * step].
__kernel void strided_copy(KERNEL_ARGS) {
  const int i = get_global_id(0);
  if (i >= n) return;
  int r = i, at = P(2);
  for (int d = P(3) - 1; d >= 0; --d) {
    const int c = P(4 + 2 * d);
    at += (r % c) * P(5 + 2 * d);
    r /= c;
  }
  ST(OPERAND(0), i, LD(OPERAND(1), at));
}
