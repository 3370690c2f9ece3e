#version 450
// AVERAGE_POOL_2D and MAX_POOL_2D, NHWC: windows are clipped to the input
// (padding never counts), as TFLite does.
#include "common.glsl"

layout(constant_id = 0) const int IS_MAX = 0;
layout(constant_id = 1) const int FH = 2;
layout(constant_id = 2) const int FW = 2;
layout(constant_id = 3) const int SH = 2;
layout(constant_id = 4) const int SW = 2;
layout(constant_id = 5) const int ACT = 0;

layout(std430, binding = 0) writeonly buffer Out { T y[]; };
layout(std430, binding = 1) readonly buffer In { T x[]; };

layout(push_constant) uniform Params {
  int N, IH, IW, C, OH, OW, pad_top, pad_left;
} p;

void main() {
  const uint gid = flat_index();
  if (gid >= uint(p.N * p.OH * p.OW * p.C)) return;
  const int c = int(gid % uint(p.C));
  int pix = int(gid / uint(p.C));
  const int ox = pix % p.OW;
  pix /= p.OW;
  const int oy = pix % p.OH;
  const int n = pix / p.OH;
  const int y0 = oy * SH - p.pad_top, x0 = ox * SW - p.pad_left;
  float sum = 0.0, mx = -3.402823466e38;
  int count = 0;
  for (int fy = max(0, -y0); fy < min(FH, p.IH - y0); ++fy)
    for (int fx = max(0, -x0); fx < min(FW, p.IW - x0); ++fx) {
      const float v = float(x[((n * p.IH + y0 + fy) * p.IW + x0 + fx) * p.C + c]);
      sum += v;
      mx = max(mx, v);
      ++count;
    }
  const float r = IS_MAX != 0 ? mx : sum / float(max(count, 1));
  y[gid] = T(activate(r, ACT));
}
