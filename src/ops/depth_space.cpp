#include "ops/infer_context.h"
#include "ops/op_def.h"

namespace odin {
namespace {

// Shared checks; returns the block size.
Result<int64_t> check_block(InferContext& ctx) {
  ODIN_RETURN_IF_ERROR(ctx.expect_inputs(1, 1));
  ODIN_RETURN_IF_ERROR(ctx.expect_outputs(1));
  ODIN_RETURN_IF_ERROR(ctx.expect_rank(0, 4));
  ODIN_RETURN_IF_ERROR(ctx.expect_element_dtype(0));
  const auto* attrs = std::get_if<BlockAttrs>(&ctx.node().attrs);
  if (!attrs) return ctx.fail("missing block_size attribute");
  // Bounded so that block^2 and H*block cannot overflow.
  if (attrs->block_size < 1 || attrs->block_size > 65536)
    return ctx.fail("block_size ", attrs->block_size, " must be in [1, 65536]");
  return int64_t{attrs->block_size};
}

// Multiplies a dim unless it is dynamic.
int64_t scale(int64_t dim, int64_t by) {
  return dim < 0 ? kDynamicDim : dim * by;
}

}  // namespace

static Status infer_depth_to_space(InferContext& ctx) {
  ODIN_ASSIGN_OR_RETURN(const int64_t bs, check_block(ctx));
  const Shape& in = ctx.input_shape(0);
  if (in[3] >= 0 && in[3] % (bs * bs) != 0)
    return ctx.fail("input channels ", in[3], " of shape ", in.str(),
                    " are not divisible by block_size^2 = ", bs * bs);
  Shape out(
      {in[0], scale(in[1], bs), scale(in[2], bs), in[3] < 0 ? kDynamicDim : in[3] / (bs * bs)});
  if (out.is_static() && out.num_elements() < 0) return ctx.fail("output is too large");
  ctx.set_output(0, ctx.input(0).dtype, std::move(out));
  return Status();
}

static Status infer_space_to_depth(InferContext& ctx) {
  ODIN_ASSIGN_OR_RETURN(const int64_t bs, check_block(ctx));
  const Shape& in = ctx.input_shape(0);
  for (size_t d : {size_t{1}, size_t{2}})
    if (in[d] >= 0 && in[d] % bs != 0)
      return ctx.fail("input dim ", d, " of shape ", in.str(), " is not divisible by block_size ",
                      bs);
  Shape out({in[0], in[1] < 0 ? kDynamicDim : in[1] / bs, in[2] < 0 ? kDynamicDim : in[2] / bs,
             scale(in[3], bs * bs)});
  if (out.is_static() && out.num_elements() < 0) return ctx.fail("output is too large");
  ctx.set_output(0, ctx.input(0).dtype, std::move(out));
  return Status();
}

namespace ref {
Status depth_to_space_node(const KernelArgs& args);  // kernels/reference/depth_space.cpp
Status space_to_depth_node(const KernelArgs& args);
}  // namespace ref

ODIN_DEFINE_OP(kDepthToSpace, .infer = infer_depth_to_space, .reference = ref::depth_to_space_node);
ODIN_DEFINE_OP(kSpaceToDepth, .infer = infer_space_to_depth, .reference = ref::space_to_depth_node);

}  // namespace odin
