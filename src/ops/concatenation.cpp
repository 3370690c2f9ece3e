#include <algorithm>

#include "ops/infer_context.h"
#include "ops/op_def.h"
#include "ops/quantized.h"

namespace odin {

static Status infer_concatenation(InferContext& ctx) {
  ODIN_RETURN_IF_ERROR(ctx.expect_outputs(1));
  if (ctx.num_inputs() == 0) return ctx.fail("needs at least one input");
  for (size_t i = 0; i < ctx.num_inputs(); ++i)
    if (!ctx.has_input(i)) return ctx.fail("input ", i, " is missing");
  if (!std::holds_alternative<ConcatenationAttrs>(ctx.node().attrs))
    return ctx.fail("missing CONCATENATION attributes");
  const auto& attrs = ctx.attrs<ConcatenationAttrs>();
  const Value& first = ctx.input(0);
  const size_t rank = first.shape.rank();
  int64_t axis = 0;
  if (!normalize_axis(attrs.axis, rank, &axis))
    return ctx.fail("axis ", attrs.axis, " is out of range for rank ", rank);
  ODIN_RETURN_IF_ERROR(ctx.expect_element_dtype(0));
  // int8/uint8: a copy, so every input must be in the output's quantization.
  if (is_affine_dtype(first.dtype) && first.quant)
    for (size_t i = 0; i < ctx.num_inputs(); ++i) {
      if (ctx.input(i).dtype != first.dtype) break;  // reported below
      ODIN_RETURN_IF_ERROR(check_same_table(ctx, i));
    }
  if (first.dtype != DType::kF32 && attrs.activation != Activation::kNone)
    return ctx.unsupported("fused activation ", activation_name(attrs.activation), " on ",
                           dtype_name(first.dtype));

  std::vector<int64_t> dims = first.shape.dims();
  for (size_t i = 1; i < ctx.num_inputs(); ++i) {
    const Value& v = ctx.input(i);
    if (v.dtype != first.dtype)
      return ctx.fail("input ", i, " has dtype ", dtype_name(v.dtype), ", input 0 has ",
                      dtype_name(first.dtype));
    if (v.shape.rank() != rank)
      return ctx.fail("input ", i, " has shape ", v.shape.str(), ", rank differs from input 0 ",
                      first.shape.str());
    for (size_t d = 0; d < rank; ++d) {
      const int64_t x = v.shape[d];
      if (static_cast<int64_t>(d) == axis) {
        // Sum along the axis; unknown if any part is unknown.
        if (dims[d] > kMaxTensorElements || x > kMaxTensorElements - std::max<int64_t>(dims[d], 0))
          return ctx.fail("concatenated axis is too large");
        dims[d] = (dims[d] < 0 || x < 0) ? kDynamicDim : dims[d] + x;
      } else if (dims[d] < 0) {
        dims[d] = x;
      } else if (x >= 0 && x != dims[d]) {
        return ctx.fail("input ", i, " has shape ", v.shape.str(), ", which differs from ",
                        first.shape.str(), " in dim ", d, " (only axis ", axis, " may differ)");
      }
    }
  }
  Shape out(std::move(dims));
  if (out.is_static() && out.num_elements() < 0)
    return ctx.fail("output shape ", out.str(), " is too large");
  ctx.set_output(0, first.dtype, std::move(out));
  return Status();
}

namespace ref {
Status concatenation_node(const KernelArgs& args);  // kernels/reference/concatenation.cpp
}

static Activation* concatenation_activation(OpAttrs& attrs) {
  auto* a = std::get_if<ConcatenationAttrs>(&attrs);
  return a ? &a->activation : nullptr;
}

ODIN_DEFINE_OP(kConcatenation, .infer = infer_concatenation, .reference = ref::concatenation_node,
               .activation_slot = concatenation_activation);

}  // namespace odin
