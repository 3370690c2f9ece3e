#version 450
// AVERAGE_POOL_2D and MAX_POOL_2D on int8/uint8, NHWC (vk_quant.h), in the
// input's quantization: windows clipped to the input, the average of the
// raw values rounded half away from zero, then the activation's clamp. One
// invocation computes one output word.
#include "common.glsl"

layout(constant_id = 0) const int SIGNED = 1;
layout(constant_id = 1) const int IS_MAX = 0;
layout(constant_id = 2) const int FH = 2;
layout(constant_id = 3) const int FW = 2;
layout(constant_id = 4) const int SH = 2;
layout(constant_id = 5) const int SW = 2;
#include "quant.glsl"

layout(std430, binding = 0) writeonly buffer Out { uint y[]; };
layout(std430, binding = 1) readonly buffer In { uint x[]; };

layout(push_constant) uniform Params {
  int N, IH, IW, C, OH, OW, pad_top, pad_left, lo, hi;
} p;

void main() {
  const int total = p.N * p.OH * p.OW * p.C;
  const int e0 = int(flat_index()) * 4;
  if (e0 >= total) return;
  ivec4 r = ivec4(0);
  for (int j = 0; j < 4 && e0 + j < total; ++j) {
    const int c = (e0 + j) % p.C;
    int pix = (e0 + j) / p.C;
    const int ox = pix % p.OW;
    pix /= p.OW;
    const int oy = pix % p.OH;
    const int n = pix / p.OH;
    const int y0 = oy * SH - p.pad_top, x0 = ox * SW - p.pad_left;
    int sum = 0, mx = -256, count = 0;
    for (int fy = max(0, -y0); fy < min(FH, p.IH - y0); ++fy)
      for (int fx = max(0, -x0); fx < min(FW, p.IW - x0); ++fx) {
        const int v = Q_LOAD(x, ((n * p.IH + y0 + fy) * p.IW + x0 + fx) * p.C + c);
        sum += v;
        mx = max(mx, v);
        ++count;
      }
    count = max(count, 1);
    // Divisions of non-negative numbers only (GLSL leaves negative ones open).
    const int avg = sum >= 0 ? (sum + count / 2) / count : -((count / 2 - sum) / count);
    r[j] = clamp(IS_MAX != 0 ? mx : avg, p.lo, p.hi);
  }
  y[e0 >> 2] = q_pack(r);
}
