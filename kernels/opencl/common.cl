// Shared by every odin OpenCL kernel (the embedded source puts this file
// after core/elementwise_fns.h and before the kernels). Every kernel has one
// signature, KERNEL_ARGS: the memory buffer (weights, then the activation
// arena, of store_t) and the int parameter block at prm + base: first the
// element offsets of the kernel's operands (operand 0 is written), then its
// own arguments (backends/opencl/cl_lower.h), n, the number of work items
// with work: one per output element (or row), the int32 buffer (int32
// constants, then int32 run-time values such as indices; int32 whatever the
// storage), which INT_OPERAND addresses, and the byte buffer (byte
// constants, then int8/uint8 values: quant.cl), which Q_OPERAND addresses.
// The host rounds the
// launch up to whole work groups of a fixed size (so drivers that compile a
// kernel per work-group size, as PoCL does, compile it once); the items past
// n return at once.
//
// Storage: float32, or binary16 with ODIN_HALF (reduced precision allowed),
// read and written only through LD and ST: vload_half/vstore_half are core
// OpenCL C (no cl_khr_fp16 needed), so every device stores half where it
// may, and the arithmetic is float32 on every path. Stores round to nearest
// even, as the host's conversions do.
#ifdef ODIN_HALF
typedef half store_t;
#define LD(p, i) vload_half((i), (p))
#define ST(p, i, v) vstore_half((v), (i), (p))
#else
typedef float store_t;
#define LD(p, i) ((p)[i])
#define ST(p, i, v) ((p)[i] = (v))
#endif

#define KERNEL_ARGS                                                          \
  __global store_t* m, __global const int* prm, const int base, const int n, \
      __global const int* mi, __global uchar* mq
#define P(i) prm[base + (i)]
#define PF(i) as_float(prm[base + (i)])
// Operand i's first element.
#define OPERAND(i) (m + P(i))
// Int32 operand i's first element (in the int32 buffer).
#define INT_OPERAND(i) (mi + P(i))

// The elementwise functions' codes (shared with C++): UNARY_Relu, BINARY_Add, ...
#define ODIN_CL_UNARY_CODE(name, code) UNARY_##name = code,
#define ODIN_CL_BINARY_CODE(name, code) BINARY_##name = code,
enum { ODIN_UNARY_FNS(ODIN_CL_UNARY_CODE) };
enum { ODIN_BINARY_FNS(ODIN_CL_BINARY_CODE) };

// odin::Activation: none, relu, relu_n1_to_1, relu6, tanh, sign_bit.
float activate(float x, int act) {
  switch (act) {
    case 1: return fmax(x, 0.0f);
    case 2: return clamp(x, -1.0f, 1.0f);
    case 3: return clamp(x, 0.0f, 6.0f);
    case 4: return tanh(x);
    case 5: return signbit(x) ? 1.0f : 0.0f;
    default: return x;
  }
}

// Splits a flat NHWC index into (n, y, x, c) for an [*, H, W, C] tensor.
int4 nhwc_of(int i, int H, int W, int C) {
  const int c = i % C;
  i /= C;
  const int x = i % W;
  i /= W;
  return (int4)(i / H, i % H, x, c);
}

// Splits a flat index into 4 coordinates for dims d (right-aligned shape).
int4 coords4(int i, int4 d) {
  int4 o;
  o.w = i % d.w;
  i /= d.w;
  o.z = i % d.z;
  i /= d.z;
  o.y = i % d.y;
  o.x = i / d.y;
  return o;
}

// The row-major index of coordinates o in dims d; -1 when o is outside d.
int index4(int4 o, int4 d) {
  if (any(o < (int4)(0)) || any(o >= d)) return -1;
  return ((o.x * d.y + o.y) * d.z + o.z) * d.w + o.w;
}

// Four consecutive int parameters as an int4.
int4 P4(__global const int* prm, int at) {
  return (int4)(prm[at], prm[at + 1], prm[at + 2], prm[at + 3]);
}
