#include "core/const_data.h"
#include "ops/infer_context.h"
#include "ops/op_def.h"
#include "ops/slice_logic.h"

namespace odin {

Result<Shape> slice_output_shape(const Shape& in, const std::vector<int64_t>& begin,
                                 const std::vector<int64_t>& size) {
  if (begin.size() != in.rank() || size.size() != in.rank())
    return make_error(StatusCode::kInvalidArgument, "begin and size have ", begin.size(), " and ",
                      size.size(), " values; input shape ", in.str(), " needs ", in.rank());
  std::vector<int64_t> dims(in.rank());
  for (size_t d = 0; d < in.rank(); ++d) {
    const int64_t dim = in[d], b = begin[d], s = size[d];
    const bool known = dim >= 0;
    if (b < 0 || (known && b > dim) || s < -1 || (known && s > dim - b))
      return make_error(StatusCode::kInvalidArgument, "begin ", b, " and size ", s,
                        " do not fit dim ", d, " of input shape ", in.str());
    dims[d] = s == -1 ? (known ? dim - b : kDynamicDim) : s;
  }
  return Shape(std::move(dims));
}

static Status infer_slice(InferContext& ctx) {
  ODIN_RETURN_IF_ERROR(ctx.expect_inputs(3, 3));
  ODIN_RETURN_IF_ERROR(ctx.expect_outputs(1));
  const Value& in = ctx.input(0);
  ODIN_RETURN_IF_ERROR(ctx.expect_element_dtype(0));
  for (size_t i = 1; i < 3; ++i)
    if (ctx.input_shape(i).rank() != 1)
      return ctx.fail(i == 1 ? "begin" : "size", " (input ", i, ") must be a vector, has shape ",
                      ctx.input_shape(i).str());
  ODIN_ASSIGN_OR_RETURN(std::vector<int64_t> begin, ctx.const_ints(1));
  ODIN_ASSIGN_OR_RETURN(std::vector<int64_t> size, ctx.const_ints(2));
  auto out = slice_output_shape(in.shape, begin, size);
  if (!out.ok()) return ctx.fail(out.status().message());
  ctx.set_output(0, in.dtype, std::move(out).value());
  return Status();
}

static Result<StridedView> slice_strided_view(const Graph& g, const Node& node) {
  std::optional<std::vector<int64_t>> begin, size;
  if (node.inputs.size() == 3) {
    begin = read_int_constant(g.value(node.inputs[1]));
    size = read_int_constant(g.value(node.inputs[2]));
  }
  if (!begin || !size)
    return make_error(StatusCode::kUnsupported, "begin or size is not a constant");
  const Shape& in = g.value(node.inputs[0]).shape;
  ODIN_ASSIGN_OR_RETURN(Shape out, slice_output_shape(in, *begin, *size));
  return slice_view(in, *begin, out);
}

namespace ref {
Status slice_node(const KernelArgs& args);  // kernels/reference/slice.cpp
}

ODIN_DEFINE_OP(kSlice, .infer = infer_slice, .reference = ref::slice_node,
               .strided_view = slice_strided_view);

}  // namespace odin
