// SLICE: a box of the input starting at `begin`.
#include "kernels/reference/index_walk.h"
#include "kernels/reference/ref_util.h"
#include "kernels/reference/reference.h"
#include "ops/slice_logic.h"

namespace odin::ref {

Status slice(const ConstTensorView& in, const ConstTensorView& begin, const ConstTensorView& size,
             const TensorView& out) {
  ODIN_RETURN_IF_ERROR(expect_same_dtype("SLICE", in, out));
  ODIN_ASSIGN_OR_RETURN(std::vector<int64_t> b, read_ints(begin, "SLICE begin"));
  ODIN_ASSIGN_OR_RETURN(std::vector<int64_t> s, read_ints(size, "SLICE size"));
  auto shape = slice_output_shape(in.shape, b, s);
  if (!shape.ok()) return shape.status().with_context("SLICE");
  ODIN_RETURN_IF_ERROR(expect_out_shape("SLICE", out, *shape));
  const std::vector<int64_t> strides = row_major_strides(in.shape);
  int64_t base = 0;
  for (size_t d = 0; d < b.size(); ++d) base += b[d] * strides[d];
  const size_t elem = dtype_size(in.dtype);
  int64_t o = 0;
  walk(shape->dims(), std::array<std::vector<int64_t>, 1>{strides}, {base},
       [&](const std::array<int64_t, 1>& i) { copy_element(out.data, o++, in.data, i[0], elem); });
  return Status();
}

Status slice_node(const KernelArgs& args) {
  return slice(args.input(0), args.input(1), args.input(2), args.outputs[0]);
}

}  // namespace odin::ref
