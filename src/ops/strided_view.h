// A copy of a strided view of one input: what TRANSPOSE, SLICE and
// STRIDED_SLICE compute once their constant operands are resolved. The
// reference kernels walk it; the GPU backends run it with one strided-copy
// kernel (OpDef::strided_view).
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "core/shape.h"
#include "ops/strided_slice_logic.h"

namespace odin {

// Output element k, in row-major order over `counts`, is input element
// base + sum_d index_d * steps[d] (a step may be negative or 0).
struct StridedView {
  std::vector<int64_t> counts, steps;
  int64_t base = 0;
};

// The same copy over as few axes as it takes: axes of extent 1 dropped, and
// an axis merged into the one before it when that one steps over it exactly
// (steps[d - 1] == counts[d] * steps[d]). A view with an empty axis is kept.
StridedView compact(const StridedView& v);

// TRANSPOSE of `in` by `perm` (a permutation of 0..rank-1, checked by the caller).
StridedView transpose_view(const Shape& in, std::span<const int64_t> perm);
// SLICE of `in` from `begin`, `out` (the inferred output shape) long.
StridedView slice_view(const Shape& in, std::span<const int64_t> begin, const Shape& out);
// STRIDED_SLICE of `in` by its resolved plan.
StridedView strided_slice_view(const Shape& in, const StridedSlicePlan& plan);

}  // namespace odin
