// Helpers shared by the reference data-movement and elementwise kernels: an
// odometer over N-D indices that tracks offsets into several operands, shape
// checks, and reading small int tensors (paddings, perm, begin/size).
#pragma once

#include <array>
#include <cstdint>
#include <cstring>
#include <vector>

#include "core/status.h"
#include "core/tensor.h"
#include "ops/strided_view.h"

namespace odin::ref {

// Element strides of `in` right-aligned against an output of rank `rank`:
// 0 where `in` lacks the dim or has size 1, so one element serves the axis.
std::vector<int64_t> broadcast_strides(const Shape& in, size_t rank);

// Calls f(offsets) once per index of `dims`, in row-major order, where
// offsets[k] = start[k] + sum_d index[d] * strides[k][d]. Nothing is called
// when some dim is 0; once for rank 0.
template <size_t N, typename F>
void walk(const std::vector<int64_t>& dims, const std::array<std::vector<int64_t>, N>& strides,
          std::array<int64_t, N> offsets, F&& f) {
  for (int64_t d : dims)
    if (d <= 0) return;
  std::vector<int64_t> index(dims.size(), 0);
  while (true) {
    f(offsets);
    size_t d = dims.size();
    // Increment the last dim; on wrap, rewind it and carry into the one before.
    while (d > 0) {
      --d;
      for (size_t k = 0; k < N; ++k) offsets[k] += strides[k][d];
      if (++index[d] < dims[d]) break;
      for (size_t k = 0; k < N; ++k) offsets[k] -= strides[k][d] * dims[d];
      index[d] = 0;
      if (d == 0) return;
    }
    if (dims.empty()) return;
  }
}

// Copies element `src_index` of src to element `dst_index` of dst.
inline void copy_element(void* dst, int64_t dst_index, const void* src, int64_t src_index,
                         size_t elem) {
  std::memcpy(static_cast<uint8_t*>(dst) + dst_index * static_cast<int64_t>(elem),
              static_cast<const uint8_t*>(src) + src_index * static_cast<int64_t>(elem), elem);
}

// Copies the elements of `in` that `view` reads (ops/strided_view.h) to
// `out`, in order; out holds the product of view.counts elements.
inline void copy_view(const StridedView& view, const ConstTensorView& in, const TensorView& out) {
  const size_t elem = dtype_size(in.dtype);
  int64_t o = 0;
  walk(view.counts, std::array<std::vector<int64_t>, 1>{view.steps}, {view.base},
       [&](const std::array<int64_t, 1>& i) { copy_element(out.data, o++, in.data, i[0], elem); });
}

// Reads an int32 or int64 tensor (e.g. paddings, perm, begin) as int64.
Result<std::vector<int64_t>> read_ints(const ConstTensorView& t, const char* what);

// Errors unless out has exactly the shape the kernel computed from its inputs
// (guards against writing past a wrongly sized output buffer).
Status expect_out_shape(const char* op, const TensorView& out, const Shape& expected);

// Errors unless in and out share a dtype of known size, and both have data.
Status expect_same_dtype(const char* op, const ConstTensorView& in, const TensorView& out);

}  // namespace odin::ref
