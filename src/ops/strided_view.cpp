#include "ops/strided_view.h"

namespace odin {

StridedView compact(const StridedView& v) {
  for (int64_t c : v.counts)
    if (c == 0) return v;
  StridedView out;
  out.base = v.base;
  for (size_t d = 0; d < v.counts.size(); ++d) {
    if (v.counts[d] == 1) continue;
    if (!out.counts.empty() && out.steps.back() == v.counts[d] * v.steps[d]) {
      out.counts.back() *= v.counts[d];
      out.steps.back() = v.steps[d];
    } else {
      out.counts.push_back(v.counts[d]);
      out.steps.push_back(v.steps[d]);
    }
  }
  return out;
}

StridedView transpose_view(const Shape& in, std::span<const int64_t> perm) {
  const std::vector<int64_t> strides = row_major_strides(in);
  StridedView v;
  for (int64_t p : perm) {
    v.counts.push_back(in[static_cast<size_t>(p)]);
    v.steps.push_back(strides[static_cast<size_t>(p)]);
  }
  return v;
}

StridedView slice_view(const Shape& in, std::span<const int64_t> begin, const Shape& out) {
  StridedView v;
  v.steps = row_major_strides(in);
  v.counts = out.dims();
  for (size_t d = 0; d < begin.size() && d < v.steps.size(); ++d) v.base += begin[d] * v.steps[d];
  return v;
}

StridedView strided_slice_view(const Shape& in, const StridedSlicePlan& plan) {
  const std::vector<int64_t> strides = row_major_strides(in);
  StridedView v;
  for (const SliceAxis& a : plan.axes) {
    const int64_t st = a.in_dim < 0 ? 0 : strides[static_cast<size_t>(a.in_dim)];
    v.counts.push_back(a.count);
    v.steps.push_back(st * a.stride);
    v.base += st * a.start;
  }
  return v;
}

}  // namespace odin
