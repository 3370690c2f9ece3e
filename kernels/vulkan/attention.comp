#version 450
// ATTENTION over a float16 KV cache in device memory (kv_store.comp wrote
// this run's rows first): out[i, h] = softmax(q . k * scale) . v over cache
// rows 0..positions[i] of kv head h / (n_head / n_kv_head). One workgroup
// of 64 per (row, head): keys go 64 at a time, one per thread, with the
// softmax kept online (running max and sum, earlier sums rescaled), and
// each thread adds the values of up to 4 output dims (head_dim <= 256).
// q is rounded to float16 first, as the reference does for a float16 cache.
#include "common.glsl"

layout(std430, binding = 0) writeonly buffer Out { T y[]; };
layout(std430, binding = 1) readonly buffer Q { T q[]; };
layout(std430, binding = 2) readonly buffer KCache { uint kc[]; };
layout(std430, binding = 3) readonly buffer VCache { uint vc[]; };
layout(std430, binding = 4) readonly buffer Positions { int pos[]; };

layout(push_constant) uniform Params {
  int rows, n_head, n_kv_head, head_dim, ctx;
  float scale;
} p;

shared float qs[256];
shared float ps[64];

const float kLow = -1e30;  // below every score; exp(kLow - m) is 0

float cache_at(uint word, uint odd, bool is_key) {
  const vec2 v = unpackHalf2x16(is_key ? kc[word] : vc[word]);
  return odd != 0u ? v.y : v.x;
}

void main() {
  const uint wid = gl_WorkGroupID.x + gl_WorkGroupID.y * gl_NumWorkGroups.x;
  if (wid >= uint(p.rows * p.n_head)) return;  // the whole workgroup leaves
  const int i = int(wid) / p.n_head, h = int(wid) % p.n_head;
  const int g = h / (p.n_head / p.n_kv_head), hd = p.head_dim;
  const uint tid = gl_LocalInvocationID.x;
  const int qo = (i * p.n_head + h) * hd;
  for (int d = int(tid); d < hd; d += 64)
    qs[d] = unpackHalf2x16(packHalf2x16(vec2(float(q[qo + d]), 0.0))).x;
  barrier();
  const int len = clamp(pos[i] + 1, 0, p.ctx);
  const int cache_base = g * p.ctx * hd;  // in values
  float m = kLow, l = 0.0;
  float acc[4] = float[4](0.0, 0.0, 0.0, 0.0);
  for (int base = 0; base < len; base += 64) {
    const int j = base + int(tid);
    float s = kLow;
    if (j < len) {
      float dot = 0.0;
      const int row = cache_base + j * hd;
      for (int d = 0; d < hd; ++d) dot += qs[d] * cache_at(uint(row + d) / 2u, uint(d) & 1u, true);
      s = dot * p.scale;
    }
    ps[tid] = s;
    barrier();
    float cmax = m;
    for (int t = 0; t < 64; ++t) cmax = max(cmax, ps[t]);
    barrier();
    ps[tid] = j < len ? exp(s - cmax) : 0.0;
    barrier();
    const float f = exp(m - cmax);
    float csum = 0.0;
    for (int t = 0; t < 64; ++t) csum += ps[t];
    l = l * f + csum;
    const int n = min(64, len - base);
    for (int a = 0; a < 4; ++a) {
      const int d = int(tid) + 64 * a;
      if (d >= hd) break;
      float sum = 0.0;
      for (int t = 0; t < n; ++t) {
        const int at = cache_base + (base + t) * hd + d;
        sum += ps[t] * cache_at(uint(at) / 2u, uint(at) & 1u, false);
      }
      acc[a] = acc[a] * f + sum;
    }
    m = cmax;
    barrier();
  }
  for (int a = 0; a < 4; ++a) {
    const int d = int(tid) + 64 * a;
    if (d < hd) y[qo + d] = T(l > 0.0 ? acc[a] / l : 0.0);
  }
}
