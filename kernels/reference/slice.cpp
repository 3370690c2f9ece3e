// SLICE: a box of the input starting at `begin`.
#include "kernels/reference/index_walk.h"
#include "kernels/reference/ref_util.h"
#include "kernels/reference/reference.h"
#include "ops/slice_logic.h"
#include "ops/strided_view.h"

namespace odin::ref {

Status slice(const ConstTensorView& in, const ConstTensorView& begin, const ConstTensorView& size,
             const TensorView& out) {
  ODIN_RETURN_IF_ERROR(expect_same_dtype("SLICE", in, out));
  ODIN_ASSIGN_OR_RETURN(std::vector<int64_t> b, read_ints(begin, "SLICE begin"));
  ODIN_ASSIGN_OR_RETURN(std::vector<int64_t> s, read_ints(size, "SLICE size"));
  auto shape = slice_output_shape(in.shape, b, s);
  if (!shape.ok()) return shape.status().with_context("SLICE");
  ODIN_RETURN_IF_ERROR(expect_out_shape("SLICE", out, *shape));
  copy_view(slice_view(in.shape, b, *shape), in, out);
  return Status();
}

Status slice_node(const KernelArgs& args) {
  return slice(args.input(0), args.input(1), args.input(2), args.outputs[0]);
}

}  // namespace odin::ref
