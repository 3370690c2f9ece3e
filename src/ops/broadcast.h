// Numpy-style broadcasting of shapes, as TFLite's elementwise ops use it.
#pragma once

#include "core/shape.h"

namespace odin {

// Right-aligns a and b; each pair of dims must be equal or contain a 1. The
// result has the larger rank. A dynamic dim against a static d > 1 is taken
// to be d (the only value that can broadcast). False when incompatible.
bool broadcast_shapes(const Shape& a, const Shape& b, Shape* out);

}  // namespace odin
