// MEAN / SUM shape inference. Axes come from constant input 1 (int32 or
// int64); negative axes wrap and repeated axes count once (TFLite reduce.cc
// ResizeOutputTensor). keep_dims keeps each reduced dim as size 1.
#include <vector>

#include "ops/infer_context.h"
#include "ops/op_def.h"
#include "ops/reduce_runs.h"
#include "ops/window.h"

namespace odin {

ReduceRuns reduce_runs(const Shape& in, std::span<const int64_t> axes) {
  std::vector<bool> reduced(in.rank(), false);
  for (int64_t ax : axes) {
    int64_t d = 0;
    if (normalize_axis(ax, in.rank(), &d)) reduced[static_cast<size_t>(d)] = true;
  }
  const std::vector<int64_t> strides = row_major_strides(in);
  ReduceRuns r;
  int last = -1;  // kind of the previous run: 0 kept, 1 reduced
  for (size_t d = 0; d < in.rank(); ++d) {
    if (in[d] == 1) continue;
    std::vector<int64_t>& dims = reduced[d] ? r.reduced_dims : r.kept_dims;
    std::vector<int64_t>& st = reduced[d] ? r.reduced_strides : r.kept_strides;
    if (reduced[d]) r.reduced_count *= in[d];
    if (last == static_cast<int>(reduced[d])) {
      dims.back() *= in[d];
      st.back() = strides[d];
    } else {
      dims.push_back(in[d]);
      st.push_back(strides[d]);
    }
    last = static_cast<int>(reduced[d]);
  }
  return r;
}

static Status infer_reduce(InferContext& ctx) {
  ODIN_RETURN_IF_ERROR(ctx.expect_inputs(2, 2));
  ODIN_RETURN_IF_ERROR(ctx.expect_outputs(1));
  const ReduceAttrs* a = node_attrs<ReduceAttrs>(ctx);
  if (!a) return ctx.fail("missing reduction attributes");
  ODIN_RETURN_IF_ERROR(ctx.expect_dtype(0, DType::kF32));
  const Shape& in = ctx.input_shape(0);
  ODIN_ASSIGN_OR_RETURN(const std::vector<int64_t> axes, ctx.const_ints(1));
  std::vector<bool> reduced(in.rank(), false);
  for (int64_t axis : axes) {
    int64_t norm = 0;
    if (!normalize_axis(axis, in.rank(), &norm))
      return ctx.fail("axis ", axis, " is out of range for input ", in.str());
    reduced[static_cast<size_t>(norm)] = true;
  }
  std::vector<int64_t> dims;
  for (size_t i = 0; i < in.rank(); ++i) {
    if (!reduced[i]) {
      dims.push_back(in[i]);
    } else if (a->keep_dims) {
      dims.push_back(1);
    }
  }
  ctx.set_output(0, DType::kF32, Shape(std::move(dims)));
  return Status();
}

namespace ref {
Status mean_node(const KernelArgs& args);  // kernels/reference/reduce.cpp
Status sum_node(const KernelArgs& args);
}  // namespace ref

ODIN_DEFINE_OP(kMean, .infer = infer_reduce, .reference = ref::mean_node);
ODIN_DEFINE_OP(kSum, .infer = infer_reduce, .reference = ref::sum_node);

}  // namespace odin
