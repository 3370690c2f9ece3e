// Semantics follow TFLite (tensorflow/lite/kernels/strided_slice.cc,
// BuildStridedSliceParams / ResizeOutputTensor, and
// kernels/internal/strided_slice_logic.h, StridedSliceStartForAxis /
// StridedSliceEndForAxis):
//  - spec i is an ellipsis, a new axis (size-1 output dim, begin/end ignored;
//    the ellipsis wins if both bits are set) or a regular slice of the next
//    input dim; the ellipsis (or, without one, the tail) takes the input dims
//    no regular spec names, each as a full slice;
//  - start: negative += dim, clamp to [0, dim] (stride > 0) or [-1, dim-1]
//    (stride < 0), then begin_mask overrides with 0 / dim-1;
//  - end: (+ start when `offset`), negative += dim, the same clamp, then
//    end_mask overrides with dim / -1;
//  - count = max(0, ceil((end - start) / stride)); shrink axes take one
//    element at start and leave the output shape.
// Departures, for safety: a shrink index outside the dim is an error (TFLite
// silently produces nothing), and a shrink axis reads its one element whatever
// the stride's sign; with `offset`, the count uses the clamped end
// (TFLite sizes the output from the raw end value, which matches whenever the
// slice lies inside the input); an ellipsis may cover zero dims, as in
// TensorFlow and numpy.
#include "ops/strided_slice_logic.h"

#include <algorithm>

namespace odin {
namespace {

bool bit(int32_t mask, size_t i) {
  return i < 32 && ((static_cast<uint32_t>(mask) >> i) & 1u) != 0;
}

int64_t ceil_div_count(int64_t start, int64_t end, int64_t stride) {
  if (stride > 0) return end > start ? (end - start + stride - 1) / stride : 0;
  return start > end ? (start - end - stride - 1) / -stride : 0;
}

}  // namespace

Result<StridedSlicePlan> plan_strided_slice(const StridedSliceAttrs& attrs, const Shape& in,
                                            std::span<const int64_t> begin,
                                            std::span<const int64_t> end,
                                            std::span<const int64_t> strides) {
  const size_t n = begin.size();
  if (end.size() != n || (!strides.empty() && strides.size() != n))
    return make_error(StatusCode::kInvalidArgument, "begin, end and strides have ", n, ", ",
                      end.size(), " and ", strides.size(), " values; they must match");
  size_t regular = 0, ellipses = 0;
  for (size_t i = 0; i < n; ++i) {
    if (bit(attrs.ellipsis_mask, i))
      ++ellipses;
    else if (!bit(attrs.new_axis_mask, i))
      ++regular;
  }
  if (ellipses > 1)
    return make_error(StatusCode::kInvalidArgument, "ellipsis_mask has more than one bit set");
  if (regular > in.rank())
    return make_error(StatusCode::kInvalidArgument, regular, " slice specs for input shape ",
                      in.str());
  const size_t implicit = in.rank() - regular;  // dims taken whole

  StridedSlicePlan plan;
  int64_t dim_index = 0;
  auto add_full = [&](size_t count) {
    for (size_t k = 0; k < count; ++k, ++dim_index)
      plan.axes.push_back({dim_index, 0, 1, in[static_cast<size_t>(dim_index)], false});
  };
  for (size_t i = 0; i < n; ++i) {
    if (bit(attrs.ellipsis_mask, i)) {
      add_full(implicit);
      continue;
    }
    if (bit(attrs.new_axis_mask, i)) {
      plan.axes.push_back({-1, 0, 1, 1, false});
      continue;
    }
    const int64_t dim = in[static_cast<size_t>(dim_index)];
    // Any |stride| beyond the dim reads at most one element; bounding it keeps
    // the index arithmetic far from overflow for hostile int64 values.
    constexpr int64_t kMaxStride = kMaxTensorElements * 2;
    const int64_t stride =
        std::clamp<int64_t>(strides.empty() ? 1 : strides[i], -kMaxStride, kMaxStride);
    if (stride == 0) return make_error(StatusCode::kInvalidArgument, "stride ", i, " is zero");
    if (dim < 0)
      return make_error(StatusCode::kUnsupported, "slicing dynamic dim ", dim_index, " of ",
                        in.str());
    const bool forward = stride > 0;
    const auto clamp = [&](int64_t v) {
      if (v < 0) v += dim;
      return forward ? std::clamp<int64_t>(v, 0, dim) : std::clamp<int64_t>(v, -1, dim - 1);
    };
    int64_t start = clamp(begin[i]);
    if (bit(attrs.begin_mask, i)) start = forward ? 0 : dim - 1;
    SliceAxis axis{dim_index++, start, stride, 0, false};
    if (bit(attrs.shrink_axis_mask, i)) {
      if (start < 0 || start >= dim)
        return make_error(StatusCode::kInvalidArgument, "shrink index ", begin[i],
                          " is out of range for dim ", axis.in_dim, " of ", in.str());
      axis.stride = 1;
      axis.count = 1;
      axis.shrink = true;
    } else {
      // Saturating add keeps hostile begin/end values from overflowing.
      const int64_t raw_end =
          attrs.offset
              ? std::clamp<int64_t>(end[i], -kMaxTensorElements, kMaxTensorElements) + start
              : end[i];
      int64_t stop = clamp(raw_end);
      if (bit(attrs.end_mask, i)) stop = forward ? dim : -1;
      axis.count = ceil_div_count(start, stop, stride);
      if (axis.count <= 1) axis.stride = 1;  // the step is never taken
    }
    plan.axes.push_back(axis);
  }
  if (ellipses == 0) add_full(implicit);

  std::vector<int64_t> dims;
  for (const SliceAxis& a : plan.axes)
    if (!a.shrink) dims.push_back(a.count);
  plan.out = Shape(std::move(dims));
  return plan;
}

}  // namespace odin
