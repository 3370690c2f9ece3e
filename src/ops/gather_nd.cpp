#include "ops/gather_nd_logic.h"
#include "ops/infer_context.h"
#include "ops/op_def.h"

namespace odin {

Result<GatherNdPlan> plan_gather_nd(const Shape& params, const Shape& indices) {
  if (params.rank() < 1)
    return make_error(StatusCode::kInvalidArgument, "params must have rank >= 1, are a scalar");
  if (indices.rank() < 1)
    return make_error(StatusCode::kInvalidArgument, "indices must have rank >= 1, are a scalar");
  GatherNdPlan p;
  p.depth = indices[indices.rank() - 1];
  if (p.depth < 0)
    return make_error(StatusCode::kInvalidArgument,
                      "the last dim of indices (the index depth) must be static, indices are ",
                      indices.str());
  if (p.depth > static_cast<int64_t>(params.rank()))
    return make_error(StatusCode::kInvalidArgument, "index depth ", p.depth,
                      " (the last dim of indices ", indices.str(), ") exceeds the rank ",
                      params.rank(), " of params ", params.str());
  const size_t nd = static_cast<size_t>(p.depth);
  std::vector<int64_t> dims(indices.dims().begin(), indices.dims().end() - 1);
  for (size_t d = nd; d < params.rank(); ++d) dims.push_back(params[d]);
  p.out = Shape(std::move(dims));
  if (p.out.is_static() && p.out.num_elements() < 0)
    return make_error(StatusCode::kInvalidArgument, "output shape ", p.out.str(), " is too large");
  p.tuples = 1;
  for (size_t d = 0; d + 1 < indices.rank(); ++d)
    p.tuples = indices[d] < 0 || p.tuples < 0 ? -1 : p.tuples * indices[d];
  p.slice_size = 1;
  for (size_t d = nd; d < params.rank(); ++d)
    p.slice_size = params[d] < 0 || p.slice_size < 0 ? -1 : p.slice_size * params[d];
  p.dims.assign(params.dims().begin(), params.dims().begin() + p.depth);
  p.strides.assign(nd, 0);
  int64_t stride = p.slice_size;
  for (size_t d = nd; d-- > 0;) {
    p.strides[d] = stride;
    stride = stride < 0 || params[d] < 0 ? -1 : stride * params[d];
  }
  return p;
}

Result<std::vector<int64_t>> gather_nd_offsets(const GatherNdPlan& plan,
                                               std::span<const int64_t> indices) {
  const size_t nd = static_cast<size_t>(plan.depth);
  if (plan.tuples < 0 || indices.size() != static_cast<size_t>(plan.tuples) * nd)
    return make_error(StatusCode::kInvalidArgument, "indices hold ", indices.size(),
                      " values, expected ", plan.tuples, " tuples of ", nd);
  std::vector<int64_t> offsets(static_cast<size_t>(plan.tuples), 0);
  for (size_t t = 0; t < offsets.size(); ++t)
    for (size_t j = 0; j < nd; ++j) {
      const int64_t k = indices[t * nd + j];
      if (k < 0 || k >= plan.dims[j])
        return make_error(StatusCode::kOutOfRange, "index tuple ", t, " has ", k, " at position ",
                          j, ", outside [0, ", plan.dims[j], ") of params dim ", j);
      offsets[t] += k * plan.strides[j];
    }
  return offsets;
}

static Status infer_gather_nd(InferContext& ctx) {
  ODIN_RETURN_IF_ERROR(ctx.expect_inputs(2, 2));
  ODIN_RETURN_IF_ERROR(ctx.expect_outputs(1));
  const Value& params = ctx.input(0);
  const Value& indices = ctx.input(1);
  ODIN_RETURN_IF_ERROR(ctx.expect_element_dtype(0));
  if (indices.dtype != DType::kI32 && indices.dtype != DType::kI64)
    return ctx.fail("indices (input 1) must be int32 or int64, are ", dtype_name(indices.dtype));
  auto plan = plan_gather_nd(params.shape, indices.shape);
  if (!plan.ok()) return ctx.fail(plan.status().message());
  // Constant indices are checked now; run-time ones by the kernel.
  if (indices.is_constant() && params.shape.is_static() && indices.shape.is_static()) {
    ODIN_ASSIGN_OR_RETURN(std::vector<int64_t> idx, ctx.const_ints(1));
    auto offsets = gather_nd_offsets(*plan, idx);
    if (!offsets.ok()) return ctx.fail(offsets.status().message());
  }
  ctx.set_output(0, params.dtype, plan->out);
  return Status();
}

namespace ref {
Status gather_nd_node(const KernelArgs& args);  // kernels/reference/gather_nd.cpp
}

ODIN_DEFINE_OP(kGatherNd, .infer = infer_gather_nd, .reference = ref::gather_nd_node);

}  // namespace odin
