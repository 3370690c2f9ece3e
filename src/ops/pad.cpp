#include "ops/infer_context.h"
#include "ops/op_def.h"
#include "ops/quantized.h"

namespace odin {

static Status infer_pad(InferContext& ctx) {
  ODIN_RETURN_IF_ERROR(ctx.expect_inputs(2, 2));
  ODIN_RETURN_IF_ERROR(ctx.expect_outputs(1));
  const Value& in = ctx.input(0);
  ODIN_RETURN_IF_ERROR(ctx.expect_element_dtype(0));
  // int8/uint8: padded with the zero point, so the output keeps the table.
  if (is_affine_dtype(in.dtype) && in.quant) ODIN_RETURN_IF_ERROR(check_same_table(ctx, 0));
  const size_t rank = in.shape.rank();
  const Shape& pshape = ctx.input_shape(1);
  if (pshape.rank() != 2 || pshape[0] != static_cast<int64_t>(rank) || pshape[1] != 2)
    return ctx.fail("paddings (input 1) must have shape [", rank, ",2], has ", pshape.str());
  ODIN_ASSIGN_OR_RETURN(std::vector<int64_t> pads, ctx.const_ints(1));
  std::vector<int64_t> dims = in.shape.dims();
  for (size_t d = 0; d < rank; ++d) {
    const int64_t before = pads[2 * d], after = pads[2 * d + 1];
    if (before < 0 || after < 0 || before > kMaxTensorElements || after > kMaxTensorElements)
      return ctx.fail("paddings for dim ", d, " are (", before, ",", after,
                      "); they must be non-negative and not huge");
    if (dims[d] >= 0) dims[d] += before + after;
  }
  Shape out(std::move(dims));
  if (out.is_static() && out.num_elements() < 0)
    return ctx.fail("padded shape ", out.str(), " is too large");
  ctx.set_output(0, in.dtype, std::move(out));
  return Status();
}

namespace ref {
Status pad_node(const KernelArgs& args);  // kernels/reference/pad.cpp
}

ODIN_DEFINE_OP(kPad, .infer = infer_pad, .reference = ref::pad_node);

}  // namespace odin
