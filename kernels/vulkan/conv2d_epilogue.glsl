// The bindings and the epilogue of the CONV_2D kernels (conv2d.comp,
// conv2d_tiled.comp): the bias, a fused residual addend (HAS_ADD), the
// activation (ACT), a fused PRELU's slopes (HAS_PRELU). The includer
// declares those specialization constants before including this file;
// bindings the flags leave unread are bound but never read.

layout(std430, binding = 0) writeonly buffer Out { T y[]; };
layout(std430, binding = 1) readonly buffer In { T x[]; };
layout(std430, binding = 2) readonly buffer Weights { T4 w[]; };
layout(std430, binding = 3) readonly buffer Bias { T4 b[]; };
layout(std430, binding = 4) readonly buffer Addend { T addend[]; };
layout(std430, binding = 5) readonly buffer Slopes { T4 slope[]; };

// Stores the `left` (at most 4 are stored) output channels of one pixel from
// element ob of y on: acc (bias included) plus the addend's elements there,
// the activation, then slopes alpha on negative results.
void store_conv4(int ob, int left, ACC4 acc, ACC4 alpha) {
  if (HAS_ADD != 0) {
    acc.x += ACC(addend[ob]);
    if (left > 1) acc.y += ACC(addend[ob + 1]);
    if (left > 2) acc.z += ACC(addend[ob + 2]);
    if (left > 3) acc.w += ACC(addend[ob + 3]);
  }
  ACC4 v = activate4(acc, ACT);
  if (HAS_PRELU != 0) v = mix(v, v * alpha, lessThan(v, ACC4(0.0)));
  const T4 r = T4(v);
  y[ob] = r.x;
  if (left > 1) y[ob + 1] = r.y;
  if (left > 2) y[ob + 2] = r.z;
  if (left > 3) y[ob + 3] = r.w;
}
