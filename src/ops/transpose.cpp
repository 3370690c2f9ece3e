#include "core/const_data.h"
#include "ops/infer_context.h"
#include "ops/op_def.h"

namespace odin {

static Status infer_transpose(InferContext& ctx) {
  ODIN_RETURN_IF_ERROR(ctx.expect_inputs(2, 2));
  ODIN_RETURN_IF_ERROR(ctx.expect_outputs(1));
  const Value& in = ctx.input(0);
  ODIN_RETURN_IF_ERROR(ctx.expect_element_dtype(0));
  const size_t rank = in.shape.rank();
  const Shape& pshape = ctx.input_shape(1);
  if (pshape.rank() != 1 || pshape[0] != static_cast<int64_t>(rank))
    return ctx.fail("perm (input 1) must have shape [", rank, "], has ", pshape.str());
  ODIN_ASSIGN_OR_RETURN(std::vector<int64_t> perm, ctx.const_ints(1));
  // TFLite's transpose.cc requires 0 <= perm[i] < rank; each used once.
  std::vector<bool> seen(rank, false);
  std::vector<int64_t> dims(rank);
  for (size_t i = 0; i < rank; ++i) {
    const int64_t p = perm[i];
    if (p < 0 || p >= static_cast<int64_t>(rank) || seen[static_cast<size_t>(p)])
      return ctx.fail("perm is not a permutation of 0..", rank - 1, ": entry ", i, " is ", p);
    seen[static_cast<size_t>(p)] = true;
    dims[i] = in.shape[static_cast<size_t>(p)];
  }
  ctx.set_output(0, in.dtype, Shape(std::move(dims)));
  return Status();
}

static Result<StridedView> transpose_strided_view(const Graph& g, const Node& node) {
  const std::optional<std::vector<int64_t>> perm =
      node.inputs.size() == 2 ? read_int_constant(g.value(node.inputs[1])) : std::nullopt;
  if (!perm) return make_error(StatusCode::kUnsupported, "perm is not a constant");
  return transpose_view(g.value(node.inputs[0]).shape, *perm);
}

namespace ref {
Status transpose_node(const KernelArgs& args);  // kernels/reference/transpose.cpp
}

ODIN_DEFINE_OP(kTranspose, .infer = infer_transpose, .reference = ref::transpose_node,
               .strided_view = transpose_strided_view);

}  // namespace odin
