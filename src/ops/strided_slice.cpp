#include "core/const_data.h"
#include "ops/infer_context.h"
#include "ops/op_def.h"
#include "ops/strided_slice_logic.h"

namespace odin {

static Status infer_strided_slice(InferContext& ctx) {
  ODIN_RETURN_IF_ERROR(ctx.expect_inputs(3, 4));
  ODIN_RETURN_IF_ERROR(ctx.expect_outputs(1));
  if (!std::holds_alternative<StridedSliceAttrs>(ctx.node().attrs))
    return ctx.fail("missing STRIDED_SLICE attributes");
  const Value& in = ctx.input(0);
  ODIN_RETURN_IF_ERROR(ctx.expect_element_dtype(0));
  static const char* const kNames[] = {"input", "begin", "end", "strides"};
  std::vector<int64_t> spec[3];
  for (size_t i = 1; i < 4; ++i) {
    if (!ctx.has_input(i)) continue;  // strides default to 1
    if (ctx.input_shape(i).rank() != 1)
      return ctx.fail(kNames[i], " (input ", i, ") must be a vector, has shape ",
                      ctx.input_shape(i).str());
    ODIN_ASSIGN_OR_RETURN(spec[i - 1], ctx.const_ints(i));
  }
  auto plan =
      plan_strided_slice(ctx.attrs<StridedSliceAttrs>(), in.shape, spec[0], spec[1], spec[2]);
  if (!plan.ok()) {
    if (plan.status().code() == StatusCode::kUnsupported)
      return ctx.unsupported(plan.status().message());
    return ctx.fail(plan.status().message());
  }
  ctx.set_output(0, in.dtype, plan->out);
  return Status();
}

static Result<StridedView> strided_slice_strided_view(const Graph& g, const Node& node) {
  const auto* attrs = std::get_if<StridedSliceAttrs>(&node.attrs);
  if (!attrs || node.inputs.size() < 3)
    return make_error(StatusCode::kInvalidArgument, "missing STRIDED_SLICE attributes or inputs");
  std::vector<int64_t> spec[3];
  for (size_t i = 1; i < 4; ++i) {
    if (i >= node.inputs.size() || node.inputs[i] == kNoValue) continue;  // strides default to 1
    std::optional<std::vector<int64_t>> v = read_int_constant(g.value(node.inputs[i]));
    if (!v) return make_error(StatusCode::kUnsupported, "begin, end or strides is not a constant");
    spec[i - 1] = std::move(*v);
  }
  const Shape& in = g.value(node.inputs[0]).shape;
  ODIN_ASSIGN_OR_RETURN(StridedSlicePlan plan,
                        plan_strided_slice(*attrs, in, spec[0], spec[1], spec[2]));
  return strided_slice_view(in, plan);
}

namespace ref {
Status strided_slice_node(const KernelArgs& args);  // kernels/reference/strided_slice.cpp
}

ODIN_DEFINE_OP(kStridedSlice, .infer = infer_strided_slice, .reference = ref::strided_slice_node,
               .strided_view = strided_slice_strided_view);

}  // namespace odin
