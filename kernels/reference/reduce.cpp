// Reference MEAN and SUM: every input element, in row-major order, adds into
// the output element it reduces to (float accumulation, as TFLite's
// reference_ops::ReduceSumImpl); MEAN then divides by the reduced count.
#include <vector>

#include "kernels/reference/ref_util.h"
#include "kernels/reference/reference.h"

namespace odin::ref {

// keep_dims (ReduceAttrs) only changes the output's shape, not its layout.
Status reduce(bool mean, const ConstTensorView& in, const ConstTensorView& axes,
              const TensorView& out) {
  constexpr const char* kOp = "reduce";
  ODIN_RETURN_IF_ERROR(expect_f32(kOp, "input", in));
  ODIN_RETURN_IF_ERROR(expect_f32(kOp, "output", out));
  // An empty axes tensor may have no data pointer; a non-empty one must.
  if (!valid_view(in) || out.num_elements() < 0 || axes.num_elements() < 0 ||
      (axes.num_elements() > 0 && axes.empty()))
    return bad_shape(kOp, "shapes must be static and the axes present");
  const size_t rank = in.shape.rank();
  std::vector<bool> reduced(rank, false);
  for (int64_t i = 0; i < axes.num_elements(); ++i) {
    int64_t a = 0;
    if (axes.dtype == DType::kI32) {
      a = axes.as<int32_t>()[i];
    } else if (axes.dtype == DType::kI64) {
      a = axes.as<int64_t>()[i];
    } else {
      return bad_shape(kOp, "axes must be int32 or int64");
    }
    int64_t norm = 0;
    if (!normalize_axis(a, rank, &norm))
      return bad_shape(kOp, "axis ", a, " is out of range for input ", in.shape.str());
    reduced[static_cast<size_t>(norm)] = true;
  }
  // Strides of the output over the input's dims (0 along reduced dims).
  std::vector<int64_t> out_stride(rank, 0);
  int64_t out_count = 1, reduce_count = 1;
  for (size_t i = rank; i-- > 0;) {
    if (reduced[i]) {
      reduce_count *= in.shape[i];
    } else {
      out_stride[i] = out_count;
      out_count *= in.shape[i];
    }
  }
  if (out.num_elements() != out_count)
    return bad_shape(kOp, "output ", out.shape.str(), " must hold ", out_count, " elements");

  const float* x = in.as<float>();
  float* y = out.as<float>();
  for (int64_t i = 0; i < out_count; ++i) y[i] = 0.0f;
  std::vector<int64_t> idx(rank, 0);
  const int64_t total = in.num_elements();
  int64_t o = 0;  // output offset of idx
  for (int64_t i = 0; i < total; ++i) {
    y[o] += x[i];
    // Advance the row-major multi-index and the output offset with it.
    for (size_t d = rank; d-- > 0;) {
      if (++idx[d] < in.shape[d]) {
        o += out_stride[d];
        break;
      }
      o -= out_stride[d] * (in.shape[d] - 1);
      idx[d] = 0;
    }
  }
  if (mean)
    for (int64_t i = 0; i < out_count; ++i) y[i] /= static_cast<float>(reduce_count);
  return Status();
}

Status mean_node(const KernelArgs& args) {
  return reduce(true, args.input(0), args.input(1), args.outputs[0]);
}

Status sum_node(const KernelArgs& args) {
  return reduce(false, args.input(0), args.input(1), args.outputs[0]);
}

}  // namespace odin::ref
