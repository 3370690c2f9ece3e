#include "ops/infer_context.h"
#include "ops/op_def.h"
#include "ops/quantized.h"

namespace odin {

// The requested shape, chosen as TFLite's reshape.cc does: the shape input
// when it is a non-empty vector; otherwise the options (where the legacy
// value [0] means a scalar); otherwise a scalar.
static Result<std::vector<int64_t>> requested_shape(InferContext& ctx) {
  if (ctx.has_input(1)) {
    const Shape& s = ctx.input_shape(1);
    if (s.rank() != 1) return ctx.fail("shape (input 1) must be a vector, has shape ", s.str());
    if (s[0] != 0) return ctx.const_ints(1);
  }
  const auto* attrs = std::get_if<ReshapeAttrs>(&ctx.node().attrs);
  if (attrs && attrs->has_new_shape) {
    if (attrs->new_shape.size() == 1 && attrs->new_shape[0] == 0) return std::vector<int64_t>{};
    return std::vector<int64_t>(attrs->new_shape.begin(), attrs->new_shape.end());
  }
  if (ctx.has_input(1)) return std::vector<int64_t>{};  // empty shape tensor: a scalar
  return ctx.fail("has neither a shape input nor a new_shape option");
}

static Status infer_reshape(InferContext& ctx) {
  ODIN_RETURN_IF_ERROR(ctx.expect_inputs(1, 2));
  ODIN_RETURN_IF_ERROR(ctx.expect_outputs(1));
  const Value& in = ctx.input(0);
  ODIN_RETURN_IF_ERROR(ctx.expect_element_dtype(0));
  // int8/uint8: the output is the same bytes, so it must be in the same quantization.
  if (is_affine_dtype(in.dtype) && in.quant) ODIN_RETURN_IF_ERROR(check_same_table(ctx, 0));
  ODIN_ASSIGN_OR_RETURN(std::vector<int64_t> dims, requested_shape(ctx));

  int stretch = -1;  // index of the -1 dim
  int64_t known = 1;
  for (size_t i = 0; i < dims.size(); ++i) {
    if (dims[i] == -1) {
      if (stretch >= 0) return ctx.fail("new shape has more than one -1");
      stretch = static_cast<int>(i);
    } else if (dims[i] < 0 || dims[i] > kMaxTensorElements) {
      return ctx.fail("new shape has invalid dim ", dims[i], " at index ", i);
    } else {
      known = dims[i] == 0 ? 0 : (known > kMaxTensorElements / dims[i] ? -1 : known * dims[i]);
      if (known < 0) return ctx.fail("new shape is too large");
    }
  }
  const int64_t n = in.shape.num_elements();
  if (in.shape.is_static() && n < 0)
    return ctx.fail("input shape ", in.shape.str(), " is too large");
  if (stretch >= 0) {
    if (n < 0) {
      dims[static_cast<size_t>(stretch)] = kDynamicDim;  // resolved at run time
    } else {
      if (known == 0 || n % known != 0)
        return ctx.fail("cannot reshape ", in.shape.str(), " (", n,
                        " elements) with a -1 dim; the other dims hold ", known);
      dims[static_cast<size_t>(stretch)] = n / known;
    }
  } else if (n >= 0 && n != known) {
    return ctx.fail("cannot reshape ", in.shape.str(), " (", n, " elements) into ",
                    Shape(dims).str(), " (", known, " elements)");
  }
  ctx.set_output(0, in.dtype, Shape(std::move(dims)));
  return Status();
}

namespace ref {
Status copy_node(const KernelArgs& args);  // kernels/reference/copy.cpp
}

ODIN_DEFINE_OP(kReshape, .infer = infer_reshape, .reference = ref::copy_node,
               .output_reuse = OutputReuse::kView);

}  // namespace odin
