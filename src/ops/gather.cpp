#include "ops/gather_logic.h"
#include "ops/infer_context.h"
#include "ops/op_def.h"

namespace odin {

Result<GatherPlan> plan_gather(const GatherAttrs& attrs, const Shape& params,
                               const Shape& indices) {
  GatherPlan p;
  if (!normalize_axis(attrs.axis, params.rank(), &p.axis))
    return make_error(StatusCode::kInvalidArgument, "axis ", attrs.axis,
                      " is out of range for params shape ", params.str());
  p.batch_dims = attrs.batch_dims;
  if (p.batch_dims < 0) p.batch_dims += static_cast<int64_t>(indices.rank());
  if (p.batch_dims < 0 || p.batch_dims > p.axis ||
      p.batch_dims > static_cast<int64_t>(indices.rank()))
    return make_error(StatusCode::kInvalidArgument, "batch_dims ", attrs.batch_dims,
                      " must lie in [0, min(axis ", p.axis, ", rank of indices ", indices.rank(),
                      ")]");
  std::vector<int64_t> dims;
  for (int64_t d = 0; d < p.axis; ++d) dims.push_back(params[static_cast<size_t>(d)]);
  for (size_t d = 0; d < indices.rank(); ++d) {
    const int64_t x = indices[d];
    if (static_cast<int64_t>(d) < p.batch_dims) {
      const int64_t y = params[d];
      if (x >= 0 && y >= 0 && x != y)
        return make_error(StatusCode::kInvalidArgument, "batch dim ", d, " differs: params ",
                          params.str(), ", indices ", indices.str());
      if (y < 0) dims[d] = x;
    } else {
      dims.push_back(x);
    }
  }
  for (size_t d = static_cast<size_t>(p.axis) + 1; d < params.rank(); ++d)
    dims.push_back(params[d]);
  p.out = Shape(std::move(dims));
  if (p.out.is_static() && p.out.num_elements() < 0)
    return make_error(StatusCode::kInvalidArgument, "output shape ", p.out.str(), " is too large");
  return p;
}

static Status infer_gather(InferContext& ctx) {
  ODIN_RETURN_IF_ERROR(ctx.expect_inputs(2, 2));
  ODIN_RETURN_IF_ERROR(ctx.expect_outputs(1));
  if (!std::holds_alternative<GatherAttrs>(ctx.node().attrs))
    return ctx.fail("missing GATHER attributes");
  const Value& params = ctx.input(0);
  const Value& indices = ctx.input(1);
  ODIN_RETURN_IF_ERROR(ctx.expect_element_dtype(0));
  if (indices.dtype != DType::kI32 && indices.dtype != DType::kI64)
    return ctx.fail("indices (input 1) must be int32 or int64, are ", dtype_name(indices.dtype));
  auto plan = plan_gather(ctx.attrs<GatherAttrs>(), params.shape, indices.shape);
  if (!plan.ok()) return ctx.fail(plan.status().message());
  // Constant indices are checked now; others at run time by the kernel.
  if (indices.is_constant()) {
    ODIN_ASSIGN_OR_RETURN(std::vector<int64_t> idx, ctx.const_ints(1));
    const int64_t limit = params.shape[static_cast<size_t>(plan->axis)];
    for (size_t i = 0; i < idx.size(); ++i)
      if (idx[i] < 0 || (limit >= 0 && idx[i] >= limit))
        return ctx.fail("index ", idx[i], " at position ", i, " is out of range [0, ", limit,
                        ") for axis ", plan->axis);
  }
  ctx.set_output(0, params.dtype, plan->out);
  return Status();
}

namespace ref {
Status gather_node(const KernelArgs& args);  // kernels/reference/gather.cpp
}

ODIN_DEFINE_OP(kGather, .infer = infer_gather, .reference = ref::gather_node);

}  // namespace odin
