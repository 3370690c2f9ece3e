// DENSIFY: a sparse constant (TFLite sparsity format) to its dense form.
#pragma once

#include <cstdint>
#include <functional>

#include "core/status.h"

namespace odin {

class Shape;
struct SparsityParams;

// Walks a sparse tensor's stored values in storage order and calls
// visit(dense_offset) once per value (TFLite's FormatConverter::SparseToDense
// traversal). Every field is checked against `dense_shape` first, so a
// hostile file yields an error, never an out-of-range offset. Shared by shape
// inference (to count the values) and the reference kernel.
Status for_each_sparse_value(const SparsityParams& sparsity, const Shape& dense_shape,
                             const std::function<void(int64_t)>& visit);

}  // namespace odin
