#version 450
// ADD, SUB, MUL, DIV, PRELU and SQUARED_DIFFERENCE with numpy broadcasting over up to 4 dims
// (the host right-aligns shapes and gives a stride of 0 to broadcast dims),
// then the fused activation. A zero PAD feeding one operand may be fused in:
// that operand is then read unpadded, as 0 outside `pad_in_dims`.
#include "common.glsl"

layout(constant_id = 0) const int OP = BINARY_Add;
layout(constant_id = 1) const int ACT = 0;
layout(constant_id = 2) const int PADDED = 0;  // 0: none, 1: operand a, 2: operand b

layout(std430, binding = 0) writeonly buffer Out { T y[]; };
layout(std430, binding = 1) readonly buffer A { T a[]; };
layout(std430, binding = 2) readonly buffer B { T b[]; };

layout(push_constant) uniform Params {
  ivec4 dims;      // output shape
  ivec4 a_stride;  // element strides of a over the output's dims
  ivec4 b_stride;
  int total;
  ivec4 pad_before;  // the fused PAD's leading padding, in output coordinates
  ivec4 pad_in_dims;  // the unpadded operand's shape
} p;

// The padded operand at output index `o`: 0 in the padding.
T padded_read(const ivec4 o, const bool is_a) {
  const ivec4 s = o - p.pad_before;
  if (any(lessThan(s, ivec4(0))) || any(greaterThanEqual(s, p.pad_in_dims))) return T(0);
  const int off = ((s.x * p.pad_in_dims.y + s.y) * p.pad_in_dims.z + s.z) * p.pad_in_dims.w + s.w;
  return is_a ? a[off] : b[off];
}

void main() {
  const uint gid = flat_index();
  if (gid >= uint(p.total)) return;
  int i = int(gid);
  const int d3 = i % p.dims.w;
  i /= p.dims.w;
  const int d2 = i % p.dims.z;
  i /= p.dims.z;
  const int d1 = i % p.dims.y;
  const int d0 = i / p.dims.y;
  const ivec4 ia = ivec4(d0, d1, d2, d3) * p.a_stride;
  const ivec4 ib = ivec4(d0, d1, d2, d3) * p.b_stride;
  const ivec4 o = ivec4(d0, d1, d2, d3);
  const T u = PADDED == 1 ? padded_read(o, true) : a[ia.x + ia.y + ia.z + ia.w];
  const T v = PADDED == 2 ? padded_read(o, false) : b[ib.x + ib.y + ib.z + ib.w];
  T r;
  if (OP == BINARY_Add) r = u + v;
  else if (OP == BINARY_Sub) r = u - v;
  else if (OP == BINARY_Mul) r = u * v;
  else if (OP == BINARY_Div) r = u / v;
  else if (OP == BINARY_Prelu) r = u >= T(0) ? u : u * v;
  else if (OP == BINARY_SquaredDifference) r = (u - v) * (u - v);
  else r = T(uintBitsToFloat(0x7fc00000u));  // a code this kernel lacks: NaN, which tests catch
  y[gid] = activate(r, ACT);
}
