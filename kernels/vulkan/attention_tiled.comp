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
// it (batch invariance), and a prompt row matches the same row decoded.
#include "common.glsl"

// Queries per workgroup and value dims per thread (head_dim <= 64 * DA);
// QT * DA <= 32 (the accumulators a thread keeps).
layout(constant_id = 0) const int QT = 16;
layout(constant_id = 1) const int DA = 1;
// Cache rows staged at a time: the 64 of a tile, or half of them for
// head_dim > 128 (the staging buffer's size).
const int KC = DA <= 2 ? 64 : 32;
const int NC = 64 / KC;  // chunks per tile; also query groups in the scores
const int QPT = QT / NC;  // scores a thread keeps per staged chunk

layout(std430, binding = 0) writeonly buffer Out { T y[]; };
layout(std430, binding = 1) readonly buffer Q { T q[]; };
layout(std430, binding = 2) readonly buffer KCache { uint kc[]; };
layout(std430, binding = 3) readonly buffer VCache { uint vc[]; };
layout(std430, binding = 4) readonly buffer Positions { int pos[]; };

layout(push_constant) uniform Params {
  int rows, n_head, n_kv_head, head_dim, ctx;
  float scale;
} p;

// Float16 pairs, two values a word: the tile's queries, and the staged
// cache rows (a word of padding each, so rows start on different banks).
shared uint qs[QT * 32 * DA];
shared uint kvs[KC * (32 * DA + 1)];
shared float ps[QT * 64];  // scores, then their exps
shared float ms[QT], ls[QT], fs[QT], cm[QT];
shared int lens[QT];

const float kLow = -1e30;  // below every score; exp(kLow - m) is 0

void main() {
  const uint wid = gl_WorkGroupID.x + gl_WorkGroupID.y * gl_NumWorkGroups.x;
  const int tiles = (p.rows + QT - 1) / QT;
  if (wid >= uint(tiles * p.n_head)) return;  // the whole workgroup leaves
  const int tile = int(wid) / p.n_head, h = int(wid) % p.n_head;
  const int g = h / (p.n_head / p.n_kv_head), hd = p.head_dim, hh = hd / 2;
  const int i0 = tile * QT, tid = int(gl_LocalInvocationID.x);
  const int stride = hh + 1;  // words per staged cache row
  for (int at = tid; at < QT * hh; at += 64) {
    const int qi = at / hh, w = at % hh, i = i0 + qi;
    uint word = 0u;
    if (i < p.rows) {
      const int o = (i * p.n_head + h) * hd + 2 * w;
      word = packHalf2x16(vec2(float(q[o]), float(q[o + 1])));
    }
    qs[qi * hh + w] = word;
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
  float acc[QT * DA];
  for (int a = 0; a < QT * DA; ++a) acc[a] = 0.0;
  // The scores: thread tid takes staged row kk of each chunk for the
  // queries qg, qg + NC, ...
  const int kk = tid % KC, qg = tid / KC;
  for (int base = 0; base < longest; base += 64) {
    for (int c = 0; c < NC; ++c) {
      const int k0 = base + c * KC;
      for (int at = tid; at < KC * hh; at += 64) {
        const int r = at / hh, w = at % hh;
        kvs[r * stride + w] = k0 + r < longest ? kc[cache_base + (k0 + r) * hh + w] : 0u;
      }
      barrier();
      const int j = k0 + kk;
      float dot[QPT];
      for (int r = 0; r < QPT; ++r) dot[r] = 0.0;
      if (j < longest)
        for (int w = 0; w < hh; ++w) {
          const vec2 k = unpackHalf2x16(kvs[kk * stride + w]);
          for (int r = 0; r < QPT; ++r) {
            const vec2 x = unpackHalf2x16(qs[(qg + NC * r) * hh + w]);
            dot[r] += x.x * k.x;
            dot[r] += x.y * k.y;
          }
        }
      for (int r = 0; r < QPT; ++r) {
        const int qi = qg + NC * r;
        ps[qi * 64 + c * KC + kk] = j < lens[qi] ? dot[r] * p.scale : kLow;
      }
      barrier();
    }
    // Each query's max over the tile (queries whose rows end before it skip it).
    if (tid < QT && base < lens[tid]) {
      float cmax = ms[tid];
      for (int t = 0; t < 64; ++t) cmax = max(cmax, ps[tid * 64 + t]);
      cm[tid] = cmax;
      fs[tid] = exp(ms[tid] - cmax);
    }
    barrier();
    for (int at = tid; at < QT * 64; at += 64) {
      const int qi = at / 64, t = at % 64;
      if (base < lens[qi]) ps[at] = base + t < lens[qi] ? exp(ps[at] - cm[qi]) : 0.0;
    }
    barrier();
    if (tid < QT && base < lens[tid]) {
      float csum = 0.0;
      for (int t = 0; t < 64; ++t) csum += ps[tid * 64 + t];
      ls[tid] = ls[tid] * fs[tid] + csum;
      ms[tid] = cm[tid];
    }
    // The values: thread tid adds dims tid, tid + 64, ... of every query.
    float sum[QT * DA];
    for (int a = 0; a < QT * DA; ++a) sum[a] = 0.0;
    for (int c = 0; c < NC; ++c) {
      const int k0 = base + c * KC;
      for (int at = tid; at < KC * hh; at += 64) {
        const int r = at / hh, w = at % hh;
        kvs[r * stride + w] = k0 + r < longest ? vc[cache_base + (k0 + r) * hh + w] : 0u;
      }
      barrier();
      const int n = clamp(longest - k0, 0, KC);
      for (int t = 0; t < n; ++t) {
        float v[DA];
        for (int a = 0; a < DA; ++a) {
          const int d = tid + 64 * a;
          const vec2 x = d < hd ? unpackHalf2x16(kvs[t * stride + d / 2]) : vec2(0.0);
          v[a] = (d & 1) != 0 ? x.y : x.x;
        }
        for (int qi = 0; qi < QT; ++qi) {
          if (k0 + t >= lens[qi]) continue;
          const float w = ps[qi * 64 + c * KC + t];
          for (int a = 0; a < DA; ++a) sum[qi * DA + a] += w * v[a];
        }
      }
      barrier();
    }
    for (int qi = 0; qi < QT; ++qi)
      if (base < lens[qi])
        for (int a = 0; a < DA; ++a) acc[qi * DA + a] = acc[qi * DA + a] * fs[qi] + sum[qi * DA + a];
  }
  for (int qi = 0; qi < QT; ++qi) {
    const int i = i0 + qi;
    if (i >= p.rows) break;
    const float l = ls[qi];
    for (int a = 0; a < DA; ++a) {
      const int d = tid + 64 * a;
      if (d < hd) y[(i * p.n_head + h) * hd + d] = T(l > 0.0 ? acc[qi * DA + a] / l : 0.0);
    }
  }
}
