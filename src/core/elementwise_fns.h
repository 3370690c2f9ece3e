// The elementwise functions odin's kernels implement, with their numeric
// codes: the one list that C++ (odin::UnaryFn / BinaryFn, core/attrs.h) and
// the GPU kernels (kernels/vulkan/*.comp include this file; a code reaches a
// shader as a specialization constant) are both generated from, so they
// cannot drift. Plain preprocessor only: this file is valid C++ and GLSL.
// An op's definition (src/ops) says which function it computes.
#ifndef ODIN_CORE_ELEMENTWISE_FNS_H_
#define ODIN_CORE_ELEMENTWISE_FNS_H_

// X(name, code): y = f(x). GELU is the erf form, GeluTanh its tanh
// approximation (GELU's `approximate` attribute).
#define ODIN_UNARY_FNS(X) \
  X(Logistic, 0)          \
  X(Relu, 1)              \
  X(ReluN1To1, 2)         \
  X(Relu6, 3)             \
  X(Tanh, 4)              \
  X(HardSwish, 5)         \
  X(LeakyRelu, 6)         \
  X(Rsqrt, 7)             \
  X(Gelu, 8)              \
  X(GeluTanh, 9)

// X(name, code): y = f(a, b) with broadcasting; Prelu is a >= 0 ? a : a * b,
// SquaredDifference (a - b)^2.
#define ODIN_BINARY_FNS(X) \
  X(Add, 0)                \
  X(Sub, 1)                \
  X(Mul, 2)                \
  X(Div, 3)                \
  X(Prelu, 4)              \
  X(SquaredDifference, 5)

#endif  // ODIN_CORE_ELEMENTWISE_FNS_H_
