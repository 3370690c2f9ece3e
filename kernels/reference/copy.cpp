// RESHAPE and SQUEEZE: same bytes, new shape.
#include <cstring>

#include "kernels/reference/index_walk.h"
#include "kernels/reference/ref_util.h"
#include "kernels/reference/reference.h"

namespace odin::ref {

Status copy(const ConstTensorView& in, const TensorView& out) {
  ODIN_RETURN_IF_ERROR(expect_same_dtype("copy", in, out));
  const int64_t n = in.num_elements();
  if (out.num_elements() != n)
    return make_error(StatusCode::kInvalidArgument, "copy: input ", in.shape.str(), " and output ",
                      out.shape.str(), " hold different element counts");
  if (n == 0 || in.data == out.data) return Status();
  if (out.data == nullptr)
    return make_error(StatusCode::kInvalidArgument, "copy: no output buffer");
  std::memmove(out.data, in.data, static_cast<size_t>(n) * dtype_size(in.dtype));
  return Status();
}

Status copy_node(const KernelArgs& args) {
  return copy(args.input(0), args.outputs[0]);
}

}  // namespace odin::ref
