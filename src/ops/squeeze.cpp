#include "ops/infer_context.h"
#include "ops/op_def.h"

namespace odin {

static Status infer_squeeze(InferContext& ctx) {
  ODIN_RETURN_IF_ERROR(ctx.expect_inputs(1, 1));
  ODIN_RETURN_IF_ERROR(ctx.expect_outputs(1));
  const Value& in = ctx.input(0);
  ODIN_RETURN_IF_ERROR(ctx.expect_element_dtype(0));
  const size_t rank = in.shape.rank();
  const auto* attrs = std::get_if<SqueezeAttrs>(&ctx.node().attrs);
  std::vector<bool> drop(rank, false);
  if (attrs == nullptr || attrs->squeeze_dims.empty()) {
    // No list: every static dim of size 1 goes (tensorflow/lite/kernels/squeeze.cc).
    for (size_t d = 0; d < rank; ++d) drop[d] = in.shape[d] == 1;
  } else {
    for (int32_t s : attrs->squeeze_dims) {
      int64_t d = 0;
      if (!normalize_axis(s, rank, &d))
        return ctx.fail("squeeze dim ", s, " is out of range for input shape ", in.shape.str());
      // A dynamic dim is taken on trust; the kernel checks element counts.
      if (in.shape[static_cast<size_t>(d)] >= 0 && in.shape[static_cast<size_t>(d)] != 1)
        return ctx.fail("squeeze dim ", s, " of input shape ", in.shape.str(), " is not 1");
      drop[static_cast<size_t>(d)] = true;
    }
  }
  std::vector<int64_t> dims;
  for (size_t d = 0; d < rank; ++d)
    if (!drop[d]) dims.push_back(in.shape[d]);
  ctx.set_output(0, in.dtype, Shape(std::move(dims)));
  return Status();
}

namespace ref {
Status copy_node(const KernelArgs& args);  // kernels/reference/copy.cpp
}

ODIN_DEFINE_OP(kSqueeze, .infer = infer_squeeze, .reference = ref::copy_node,
               .output_reuse = OutputReuse::kView);

}  // namespace odin
