#include "kernels/reference/index_walk.h"

namespace odin::ref {

std::vector<int64_t> broadcast_strides(const Shape& in, size_t rank) {
  std::vector<int64_t> strides(rank, 0);
  const std::vector<int64_t> own = row_major_strides(in);
  const size_t shift = rank - in.rank();
  for (size_t d = 0; d < in.rank(); ++d)
    if (in[d] != 1) strides[shift + d] = own[d];
  return strides;
}

Result<std::vector<int64_t>> read_ints(const ConstTensorView& t, const char* what) {
  const int64_t n = t.num_elements();
  if (n < 0)
    return make_error(StatusCode::kInvalidArgument, what, " has bad shape ", t.shape.str());
  if (t.dtype != DType::kI32 && t.dtype != DType::kI64)
    return make_error(StatusCode::kUnsupported, what, " must be int32 or int64, is ",
                      dtype_name(t.dtype));
  if (n > 0 && t.data == nullptr)
    return make_error(StatusCode::kInvalidArgument, what, " has no data");
  std::vector<int64_t> out(static_cast<size_t>(n));
  for (size_t i = 0; i < out.size(); ++i)
    out[i] = t.dtype == DType::kI32 ? t.as<int32_t>()[i] : t.as<int64_t>()[i];
  return out;
}

Status expect_out_shape(const char* op, const TensorView& out, const Shape& expected) {
  if (out.shape != expected)
    return make_error(StatusCode::kInvalidArgument, op, ": output has shape ", out.shape.str(),
                      ", expected ", expected.str());
  if (out.num_elements() < 0)
    return make_error(StatusCode::kInvalidArgument, op, ": output shape ", out.shape.str(),
                      " is too large");
  if (out.num_elements() > 0 && out.data == nullptr)
    return make_error(StatusCode::kInvalidArgument, op, ": output has no buffer");
  return Status();
}

Status expect_same_dtype(const char* op, const ConstTensorView& in, const TensorView& out) {
  if (dtype_size(in.dtype) == 0)
    return make_error(StatusCode::kUnsupported, op, ": input dtype ", dtype_name(in.dtype));
  if (in.dtype != out.dtype)
    return make_error(StatusCode::kInvalidArgument, op, ": input is ", dtype_name(in.dtype),
                      " but output is ", dtype_name(out.dtype));
  if (in.num_elements() < 0)
    return make_error(StatusCode::kInvalidArgument, op, ": input shape ", in.shape.str(),
                      " is not static");
  if (in.num_elements() > 0 && in.data == nullptr)
    return make_error(StatusCode::kInvalidArgument, op, ": input has no data");
  return Status();
}

}  // namespace odin::ref
