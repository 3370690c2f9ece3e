// Numpy-style broadcasting of shapes, as TFLite's elementwise ops use it.
#pragma once

#include <array>
#include <cstdint>

#include "core/shape.h"

namespace odin {

// Right-aligns a and b; each pair of dims must be equal or contain a 1. The
// result has the larger rank. A dynamic dim against a static d > 1 is taken
// to be d (the only value that can broadcast). False when incompatible.
bool broadcast_shapes(const Shape& a, const Shape& b, Shape* out);

// Element strides of `in` over `out`'s 4 dims (both right-aligned by
// dims4), 0 where `in` broadcasts: the GPU kernels' broadcasting.
std::array<int64_t, 4> broadcast_strides4(const Shape& in, const Shape& out);

}  // namespace odin
