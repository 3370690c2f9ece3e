// STRIDED_SLICE: walk the planned axes (ops/strided_slice_logic.h), reading
// input element start + k * stride on each.
#include "kernels/reference/index_walk.h"
#include "kernels/reference/ref_util.h"
#include "kernels/reference/reference.h"
#include "ops/strided_slice_logic.h"
#include "ops/strided_view.h"

namespace odin::ref {

Status strided_slice(const StridedSliceAttrs& attrs, const ConstTensorView& in,
                     const ConstTensorView& begin, const ConstTensorView& end,
                     const ConstTensorView& strides, const TensorView& out) {
  ODIN_RETURN_IF_ERROR(expect_same_dtype("STRIDED_SLICE", in, out));
  ODIN_ASSIGN_OR_RETURN(std::vector<int64_t> b, read_ints(begin, "STRIDED_SLICE begin"));
  ODIN_ASSIGN_OR_RETURN(std::vector<int64_t> e, read_ints(end, "STRIDED_SLICE end"));
  std::vector<int64_t> s;
  if (!strides.empty()) {
    ODIN_ASSIGN_OR_RETURN(s, read_ints(strides, "STRIDED_SLICE strides"));
  }
  auto plan = plan_strided_slice(attrs, in.shape, b, e, s);
  if (!plan.ok()) return plan.status().with_context("STRIDED_SLICE");
  ODIN_RETURN_IF_ERROR(expect_out_shape("STRIDED_SLICE", out, plan->out));

  copy_view(strided_slice_view(in.shape, *plan), in, out);
  return Status();
}

Status strided_slice_node(const KernelArgs& args) {
  const auto* a = args.attrs<StridedSliceAttrs>();
  if (!a) return missing_attrs(args);
  return strided_slice(*a, args.input(0), args.input(1), args.input(2), args.input(3),
                       args.outputs[0]);
}

}  // namespace odin::ref
