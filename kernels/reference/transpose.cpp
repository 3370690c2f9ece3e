// TRANSPOSE: out[i0..in] = in[index permuted by perm].
#include "kernels/reference/index_walk.h"
#include "kernels/reference/ref_util.h"
#include "kernels/reference/reference.h"
#include "ops/strided_view.h"

namespace odin::ref {

Status transpose(const ConstTensorView& in, const ConstTensorView& perm, const TensorView& out) {
  ODIN_RETURN_IF_ERROR(expect_same_dtype("TRANSPOSE", in, out));
  ODIN_ASSIGN_OR_RETURN(std::vector<int64_t> p, read_ints(perm, "TRANSPOSE perm"));
  const size_t rank = in.shape.rank();
  if (p.size() != rank)
    return make_error(StatusCode::kInvalidArgument, "TRANSPOSE: perm has ", p.size(),
                      " entries for rank ", rank);
  std::vector<bool> seen(rank, false);
  for (size_t i = 0; i < rank; ++i) {
    if (p[i] < 0 || p[i] >= static_cast<int64_t>(rank) || seen[static_cast<size_t>(p[i])])
      return make_error(StatusCode::kInvalidArgument, "TRANSPOSE: perm is not a permutation");
    seen[static_cast<size_t>(p[i])] = true;
  }
  const StridedView view = transpose_view(in.shape, p);
  ODIN_RETURN_IF_ERROR(expect_out_shape("TRANSPOSE", out, Shape(view.counts)));
  copy_view(view, in, out);
  return Status();
}

Status transpose_node(const KernelArgs& args) {
  return transpose(args.input(0), args.input(1), args.outputs[0]);
}

}  // namespace odin::ref
