#version 450
// RESIZE_BILINEAR and RESIZE_NEAREST_NEIGHBOR, NHWC, in fp32 with the same
// terms and order as TFLite's reference kernels; the host passes the scales
// (in/out, or (in-1)/(out-1) with align_corners) computed as TFLite does.
#include "common.glsl"

layout(constant_id = 0) const int NEAREST = 0;
layout(constant_id = 1) const int ALIGN_CORNERS = 0;
layout(constant_id = 2) const int HALF_PIXEL = 0;

layout(std430, binding = 0) writeonly buffer Out { T y[]; };
layout(std430, binding = 1) readonly buffer In { T x[]; };

layout(push_constant) uniform Params {
  int N, IH, IW, C, OH, OW;
  float scale_h, scale_w;
} p;

float at(int n, int r, int c, int k) { return float(x[((n * p.IH + r) * p.IW + c) * p.C + k]); }

int nearest(int dst, float scale, int in_size) {
  const float src = (float(dst) + (HALF_PIXEL != 0 ? 0.5 : 0.0)) * scale;
  // TFLite rounds halves away from zero; src >= 0 here.
  int i = ALIGN_CORNERS != 0 ? int(floor(src + 0.5)) : int(floor(src));
  return clamp(i, 0, in_size - 1);
}

void main() {
  const uint gid = flat_index();
  if (gid >= uint(p.N * p.OH * p.OW * p.C)) return;
  const int k = int(gid % uint(p.C));
  int pix = int(gid / uint(p.C));
  const int ox = pix % p.OW;
  pix /= p.OW;
  const int oy = pix % p.OH;
  const int n = pix / p.OH;
  if (NEAREST != 0) {
    y[gid] = x[((n * p.IH + nearest(oy, p.scale_h, p.IH)) * p.IW + nearest(ox, p.scale_w, p.IW)) *
                   p.C + k];
    return;
  }
  const float sy = HALF_PIXEL != 0 ? (float(oy) + 0.5) * p.scale_h - 0.5 : float(oy) * p.scale_h;
  const float sx = HALF_PIXEL != 0 ? (float(ox) + 0.5) * p.scale_w - 0.5 : float(ox) * p.scale_w;
  const int y_lo = clamp(int(floor(sy)), 0, p.IH - 1), y_hi = clamp(int(ceil(sy)), 0, p.IH - 1);
  const int x_lo = clamp(int(floor(sx)), 0, p.IW - 1), x_hi = clamp(int(ceil(sx)), 0, p.IW - 1);
  const float wy = sy - float(y_lo), wx = sx - float(x_lo);
  const float r = at(n, y_lo, x_lo, k) * (1.0 - wy) * (1.0 - wx) + at(n, y_hi, x_lo, k) * wy * (1.0 - wx) +
                  at(n, y_lo, x_hi, k) * (1.0 - wy) * wx + at(n, y_hi, x_hi, k) * wy * wx;
  y[gid] = T(r);
}
