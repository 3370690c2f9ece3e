#version 450
// ATTENTION for prompt runs (several rows), over the float16 KV cache that
// kv_store.comp wrote: one workgroup of 64 per (tile of QT query rows,
// head). Each tile of 64 cache rows is staged in shared memory (K, then V,
// in chunks of KC rows) and used by all QT queries of the workgroup, where
// attention.comp reads it once per query.
//
// Every query's arithmetic is attention.comp's, in the same order, whatever
// the tile or the run's row count: keys in tiles of 64 from row 0, a score
// is q . k summed over d from 0 (q rounded to float16) times the scale, the
// tile's max over its 64 scores (masked ones -1e30), exp(s - max), the
// tile's sum over its 64 terms in order, the running sum and the values
// rescaled by exp(old max - new max), each value dim summed over the tile's
// rows in order. So a row's output does not depend on which rows run with
// it (batch invariance), and a prompt row has the bits of the same row
// decoded (test_vulkan_attention checks both). A thread scores 4 staged
// rows against several queries and sums 4 value dims of several queries
// (register blocks: a shared load per 10 to 16 multiply-adds).
#include "common.glsl"

// Queries per workgroup and value dims per thread group: head_dim <= 64 *
// DA, DA 1, 2 or 4, QT * DA = 32 (a thread keeps 8 queries' sums of 4 dims).
layout(constant_id = 0) const int QT = 32;
layout(constant_id = 1) const int DA = 1;
// Cache rows staged at a time: the 64 of a tile, or half of them for
// head_dim > 128 (the staging buffer's size).
const int KC = DA <= 2 ? 64 : 32;
const int NC = 64 / KC;   // chunks per tile
const int KG = KC / 4;    // groups of 4 staged rows in the scores
const int QGS = 64 / KG;  // query groups in the scores
const int QB = QT / QGS;  // queries whose scores of 4 rows a thread keeps
const int D4 = 16 * DA;   // groups of 4 value dims
const int QG = 64 / D4;   // query groups in the values
const int QPV = QT / QG;  // queries whose values a thread sums

layout(std430, binding = 0) writeonly buffer Out { T y[]; };
layout(std430, binding = 1) readonly buffer Q { T q[]; };
layout(std430, binding = 2) readonly buffer KCache { uint kc[]; };
layout(std430, binding = 3) readonly buffer VCache { uint vc[]; };
layout(std430, binding = 4) readonly buffer Positions { int pos[]; };

layout(push_constant) uniform Params {
  int rows, n_head, n_kv_head, head_dim, ctx;
  float scale;
} p;

// The tile's queries (rounded to float16, zero past head_dim), the staged
// cache rows (float16 pairs, two values a word, a word of padding a row so
// that rows start on different banks), each query's 64 scores of the tile,
// then their exps.
shared vec4 qf[QT * D4];
shared uint kvs[KC * (32 * DA + 1)];
shared vec4 ps[QT * 16];
shared float ms[QT], ls[QT], fs[QT], cm[QT];
shared int lens[QT];

const float kLow = -1e30;  // below every score; exp(kLow - m) is 0

vec4 half4(uint a, uint b) {
  return vec4(unpackHalf2x16(a), unpackHalf2x16(b));
}

void main() {
  const uint wid = gl_WorkGroupID.x + gl_WorkGroupID.y * gl_NumWorkGroups.x;
  const int tiles = (p.rows + QT - 1) / QT;
  if (wid >= uint(tiles * p.n_head)) return;  // the whole workgroup leaves
  const int tile = int(wid) / p.n_head, h = int(wid) % p.n_head;
  const int g = h / (p.n_head / p.n_kv_head), hd = p.head_dim, hh = hd / 2;
  const int i0 = tile * QT, tid = int(gl_LocalInvocationID.x);
  const int stride = hh + 1;  // words per staged cache row
  for (int at = tid; at < QT * D4; at += 64) {
    const int qi = at / D4, d = 4 * (at % D4), i = i0 + qi;
    vec4 x = vec4(0.0);
    if (i < p.rows) {
      const int o = (i * p.n_head + h) * hd + d;
      for (int c = 0; c < 4; ++c)
        if (d + c < hd) x[c] = unpackHalf2x16(packHalf2x16(vec2(float(q[o + c]), 0.0))).x;
    }
    qf[at] = x;
  }
  if (tid < QT) {
    const int i = i0 + tid;
    lens[tid] = i < p.rows ? clamp(pos[i] + 1, 0, p.ctx) : 0;
    ms[tid] = kLow;
    ls[tid] = 0.0;
  }
  barrier();
  int longest = 0;
  for (int qi = 0; qi < QT; ++qi) longest = max(longest, lens[qi]);
  const int cache_base = g * p.ctx * hh;  // in words
  // The scores: thread tid takes staged rows kg, kg + KG, ... (4) of each
  // chunk for the queries qg, qg + QGS, ... (QB).
  const int kg = tid % KG, qg = tid / KG;
  // The values: thread tid sums dims 4 * dv.. of the queries vg, vg + QG, ...
  const int dv = tid % D4, vg = tid / D4;
  int vlen[QPV];
  for (int r = 0; r < QPV; ++r) vlen[r] = lens[vg + QG * r];
  vec4 acc[QPV];
  for (int r = 0; r < QPV; ++r) acc[r] = vec4(0.0);
  for (int base = 0; base < longest; base += 64) {
    for (int c = 0; c < NC; ++c) {
      const int k0 = base + c * KC;
      for (int at = tid; at < KC * hh; at += 64) {
        const int r = at / hh, w = at % hh;
        kvs[r * stride + w] = k0 + r < longest ? kc[cache_base + (k0 + r) * hh + w] : 0u;
      }
      barrier();
      float dot[QB * 4];
      for (int r = 0; r < QB * 4; ++r) dot[r] = 0.0;
      int row[4];
      for (int u = 0; u < 4; ++u) row[u] = (kg + KG * u) * stride;
      if (k0 + kg < longest) {
        for (int w4 = 0; w4 < hd / 4; ++w4) {
          vec4 k[4];
          for (int u = 0; u < 4; ++u)
            k[u] = half4(kvs[row[u] + 2 * w4], kvs[row[u] + 2 * w4 + 1]);
          for (int r = 0; r < QB; ++r) {
            const vec4 x = qf[(qg + QGS * r) * D4 + w4];
            for (int u = 0; u < 4; ++u) {
              dot[4 * r + u] += x.x * k[u].x;
              dot[4 * r + u] += x.y * k[u].y;
              dot[4 * r + u] += x.z * k[u].z;
              dot[4 * r + u] += x.w * k[u].w;
            }
          }
        }
        if (hd % 4 != 0) {  // the last pair
          for (int r = 0; r < QB; ++r) {
            const vec4 x = qf[(qg + QGS * r) * D4 + hd / 4];
            for (int u = 0; u < 4; ++u) {
              const vec2 k = unpackHalf2x16(kvs[row[u] + hh - 1]);
              dot[4 * r + u] += x.x * k.x;
              dot[4 * r + u] += x.y * k.y;
            }
          }
        }
      }
      for (int r = 0; r < QB; ++r)
        for (int u = 0; u < 4; ++u) {
          const int qi = qg + QGS * r, t = c * KC + kg + KG * u;
          ps[qi * 16 + t / 4][t % 4] = base + t < lens[qi] ? dot[4 * r + u] * p.scale : kLow;
        }
      barrier();
    }
    // Each query's max over the tile (queries whose rows end before it skip it).
    if (tid < QT && base < lens[tid]) {
      float cmax = ms[tid];
      for (int t = 0; t < 16; ++t) {
        const vec4 x = ps[tid * 16 + t];
        cmax = max(max(max(cmax, x.x), max(x.y, x.z)), x.w);
      }
      cm[tid] = cmax;
      fs[tid] = exp(ms[tid] - cmax);
    }
    barrier();
    for (int at = tid; at < QT * 16; at += 64) {
      const int qi = at / 16, t = base + 4 * (at % 16), len = lens[qi];
      if (base < len) {
        const vec4 e = exp(ps[at] - cm[qi]);
        ps[at] = vec4(t < len ? e.x : 0.0, t + 1 < len ? e.y : 0.0, t + 2 < len ? e.z : 0.0,
                      t + 3 < len ? e.w : 0.0);
      }
    }
    barrier();
    if (tid < QT && base < lens[tid]) {
      float csum = 0.0;
      for (int t = 0; t < 16; ++t) {
        const vec4 x = ps[tid * 16 + t];
        csum += x.x;
        csum += x.y;
        csum += x.z;
        csum += x.w;
      }
      ls[tid] = ls[tid] * fs[tid] + csum;
      ms[tid] = cm[tid];
    }
    // Each value dim summed over the tile's rows in order; a query's rows
    // past its own are left out by a select (not a branch: the loops
    // unroll, the sums stay in registers).
    vec4 sum[QPV];
    for (int r = 0; r < QPV; ++r) sum[r] = vec4(0.0);
    for (int c = 0; c < NC; ++c) {
      const int k0 = base + c * KC;
      for (int at = tid; at < KC * hh; at += 64) {
        const int r = at / hh, w = at % hh;
        kvs[r * stride + w] = k0 + r < longest ? vc[cache_base + (k0 + r) * hh + w] : 0u;
      }
      barrier();
      const int n = clamp(longest - k0, 0, KC);
      for (int t = 0; t < n; t += 4) {  // rows past n are zeros, and past every query's
        vec4 v[4];
        for (int u = 0; u < 4; ++u)
          v[u] = half4(kvs[(t + u) * stride + 2 * dv], kvs[(t + u) * stride + 2 * dv + 1]);
        for (int r = 0; r < QPV; ++r) {
          const vec4 w = ps[(vg + QG * r) * 16 + (c * KC + t) / 4];
          const int left = vlen[r] - (k0 + t);
          vec4 s = sum[r];
          s = left > 0 ? s + w.x * v[0] : s;
          s = left > 1 ? s + w.y * v[1] : s;
          s = left > 2 ? s + w.z * v[2] : s;
          s = left > 3 ? s + w.w * v[3] : s;
          sum[r] = s;
        }
      }
      barrier();
    }
    for (int r = 0; r < QPV; ++r) {
      const int qi = vg + QG * r;
      acc[r] = base < vlen[r] ? acc[r] * fs[qi] + sum[r] : acc[r];
    }
  }
  for (int r = 0; r < QPV; ++r) {
    const int qi = vg + QG * r, i = i0 + qi;
    const float l = ls[qi];
    const vec4 o = l > 0.0 ? acc[r] / l : vec4(0.0);
    for (int c = 0; c < 4; ++c) {
      const int d = 4 * dv + c;
      if (i < p.rows && d < hd) y[(i * p.n_head + h) * hd + d] = T(o[c]);
    }
  }
}
