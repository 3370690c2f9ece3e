#version 450
// ATTENTION's cache update: row i of k (or v), kv head g, is stored as
// float16 at cache row g * ctx + positions[i], two values to a word. The
// cache is persistent state in device memory, written in place.
#include "common.glsl"

layout(std430, binding = 0) buffer Cache { uint cache[]; };
layout(std430, binding = 1) readonly buffer Src { T src[]; };
layout(std430, binding = 2) readonly buffer Positions { int pos[]; };

layout(push_constant) uniform Params {
  // row_span: invocations per row, a whole number of workgroups, so the
  // dispatch scaled to a run's rows covers exactly those rows (a partial
  // workgroup would store stale rows past them at stale positions).
  int row_span, kv_width, head_dim, ctx;
} p;

void main() {
  const uint gid = flat_index();
  const int half_width = p.kv_width / 2, half_head = p.head_dim / 2;
  const int i = int(gid) / p.row_span, r = int(gid) % p.row_span;
  if (r >= half_width) return;
  const int g = r / half_head, d2 = r % half_head;
  const int at = pos[i];
  if (at < 0 || at >= p.ctx) return;  // the host checks positions first
  const int s = i * p.kv_width + g * p.head_dim + 2 * d2;
  cache[(g * p.ctx + at) * half_head + d2] = packHalf2x16(vec2(float(src[s]), float(src[s + 1])));
}
