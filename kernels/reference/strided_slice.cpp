// STRIDED_SLICE: walk the planned axes (ops/strided_slice_logic.h), reading
// input element start + k * stride on each.
#include "kernels/reference/index_walk.h"
#include "kernels/reference/ref_util.h"
#include "kernels/reference/reference.h"
#include "ops/strided_slice_logic.h"

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

  const std::vector<int64_t> in_strides = row_major_strides(in.shape);
  std::vector<int64_t> counts, steps;
  int64_t base = 0;
  for (const SliceAxis& a : plan->axes) {
    counts.push_back(a.count);
    const int64_t st = a.in_dim < 0 ? 0 : in_strides[static_cast<size_t>(a.in_dim)];
    steps.push_back(st * a.stride);
    base += st * a.start;
  }
  const size_t elem = dtype_size(in.dtype);
  int64_t o = 0;
  walk(counts, std::array<std::vector<int64_t>, 1>{steps}, {base},
       [&](const std::array<int64_t, 1>& i) { copy_element(out.data, o++, in.data, i[0], elem); });
  return Status();
}

Status strided_slice_node(const KernelArgs& args) {
  const auto* a = args.attrs<StridedSliceAttrs>();
  if (!a) return missing_attrs(args);
  return strided_slice(*a, args.input(0), args.input(1), args.input(2), args.input(3),
                       args.outputs[0]);
}

}  // namespace odin::ref
