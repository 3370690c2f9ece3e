// TRANSPOSE: out[i0..in] = in[index permuted by perm].
#include "kernels/reference/index_walk.h"
#include "kernels/reference/ref_util.h"
#include "kernels/reference/reference.h"

namespace odin::ref {

Status transpose(const ConstTensorView& in, const ConstTensorView& perm, const TensorView& out) {
  ODIN_RETURN_IF_ERROR(expect_same_dtype("TRANSPOSE", in, out));
  ODIN_ASSIGN_OR_RETURN(std::vector<int64_t> p, read_ints(perm, "TRANSPOSE perm"));
  const size_t rank = in.shape.rank();
  if (p.size() != rank)
    return make_error(StatusCode::kInvalidArgument, "TRANSPOSE: perm has ", p.size(),
                      " entries for rank ", rank);
  const std::vector<int64_t> in_strides = row_major_strides(in.shape);
  std::vector<bool> seen(rank, false);
  Shape expected = in.shape;
  std::vector<int64_t> strides(rank);  // input stride for each output dim
  for (size_t i = 0; i < rank; ++i) {
    if (p[i] < 0 || p[i] >= static_cast<int64_t>(rank) || seen[static_cast<size_t>(p[i])])
      return make_error(StatusCode::kInvalidArgument, "TRANSPOSE: perm is not a permutation");
    seen[static_cast<size_t>(p[i])] = true;
    expected[i] = in.shape[static_cast<size_t>(p[i])];
    strides[i] = in_strides[static_cast<size_t>(p[i])];
  }
  ODIN_RETURN_IF_ERROR(expect_out_shape("TRANSPOSE", out, expected));
  const size_t elem = dtype_size(in.dtype);
  int64_t o = 0;
  walk(expected.dims(), std::array<std::vector<int64_t>, 1>{strides}, {0},
       [&](const std::array<int64_t, 1>& i) { copy_element(out.data, o++, in.data, i[0], elem); });
  return Status();
}

Status transpose_node(const KernelArgs& args) {
  return transpose(args.input(0), args.input(1), args.outputs[0]);
}

}  // namespace odin::ref
