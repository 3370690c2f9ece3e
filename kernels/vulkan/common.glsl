// Shared by every odin kernel: the element type (T: float, or float16_t in
// the ODIN_FP16 variant, where elementwise arithmetic is fp16 too), the
// accumulator type of long dot products (ACC: always fp32; fp16 sums over
// hundreds of terms drift past 1e-2 on the MediaPipe models), the flat
// invocation index, and TFLite's fused activations. Workgroups are 64 wide
// unless the host specializes constant 100 (a tuned work-group size); the
// host splits large dispatches over x and y.
#extension GL_GOOGLE_include_directive : require
#include "core/elementwise_fns.h"
#if ODIN_FP16
#extension GL_EXT_shader_16bit_storage : require
#extension GL_EXT_shader_explicit_arithmetic_types_float16 : require
#define T float16_t
#define T4 f16vec4
#else
#define T float
#define T4 vec4
#endif
#define ACC float
#define ACC4 vec4

// The elementwise functions' codes (src/core/elementwise_fns.h, shared with
// C++): UNARY_Relu, BINARY_Add, ...
#define ODIN_GLSL_UNARY_CODE(name, code) const int UNARY_##name = code;
#define ODIN_GLSL_BINARY_CODE(name, code) const int BINARY_##name = code;
ODIN_UNARY_FNS(ODIN_GLSL_UNARY_CODE)
ODIN_BINARY_FNS(ODIN_GLSL_BINARY_CODE)

layout(local_size_x = 64, local_size_x_id = 100, local_size_y = 1, local_size_z = 1) in;

uint flat_index() {
  return gl_GlobalInvocationID.x + gl_GlobalInvocationID.y * gl_NumWorkGroups.x * gl_WorkGroupSize.x;
}

// odin::Activation: none, relu, relu_n1_to_1, relu6, tanh, sign_bit.
#define ACT_NONE 0
#define ACT_RELU 1
#define ACT_RELU_N1_TO_1 2
#define ACT_RELU6 3
#define ACT_TANH 4
#define ACT_SIGN_BIT 5

float activate(float x, int act) {
  if (act == ACT_RELU) return max(x, 0.0);
  if (act == ACT_RELU_N1_TO_1) return clamp(x, -1.0, 1.0);
  if (act == ACT_RELU6) return clamp(x, 0.0, 6.0);
  if (act == ACT_TANH) return tanh(x);
  if (act == ACT_SIGN_BIT) return (floatBitsToUint(x) >> 31) != 0u ? 1.0 : 0.0;
  return x;
}

#if ODIN_FP16
float16_t activate(float16_t x, int act) {
  if (act == ACT_RELU) return max(x, float16_t(0));
  if (act == ACT_RELU_N1_TO_1) return clamp(x, float16_t(-1), float16_t(1));
  if (act == ACT_RELU6) return clamp(x, float16_t(0), float16_t(6));
  if (act == ACT_TANH) return float16_t(tanh(float(x)));
  if (act == ACT_SIGN_BIT) return float16_t(activate(float(x), act));
  return x;
}
#endif

vec4 activate4(vec4 v, int act) {
  return vec4(activate(v.x, act), activate(v.y, act), activate(v.z, act), activate(v.w, act));
}
