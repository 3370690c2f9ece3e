// FULLY_CONNECTED shape inference: weights [N, K]; the input is flattened to
// [numel / K, K]. Output [numel / K, N], or with keep_num_dims the input's
// shape with its last dim replaced by N (TFLite fully_connected.cc Prepare).
#include "ops/infer_context.h"
#include "ops/op_def.h"
#include "ops/quantized.h"
#include "ops/window.h"
#include "ops/work.h"
#include "quant/weight_rows.h"

namespace odin {

static Status infer_fully_connected(InferContext& ctx) {
  ODIN_RETURN_IF_ERROR(ctx.expect_inputs(2, 3));
  ODIN_RETURN_IF_ERROR(ctx.expect_outputs(1));
  const FullyConnectedAttrs* a = node_attrs<FullyConnectedAttrs>(ctx);
  if (!a) return ctx.fail("missing FULLY_CONNECTED attributes");
  ODIN_RETURN_IF_ERROR(ctx.expect_rank(1, 2));
  ODIN_RETURN_IF_ERROR(ctx.expect_static(1));
  const Shape& in = ctx.input_shape(0);
  const Shape& w = ctx.input_shape(1);
  const int64_t n = w[0], k = w[1];
  if (n < 1 || k < 1) return ctx.fail("weights shape ", w.str(), " has an empty dimension");
  const DType dtype = ctx.input(0).dtype;
  const bool quantized = is_affine_dtype(dtype);
  if (quantized) {  // int8/uint8 throughout (quantized.h), weights per tensor or per unit
    ODIN_RETURN_IF_ERROR(check_quantized_weighted(ctx, n, 0));
  } else {
    ODIN_RETURN_IF_ERROR(ctx.expect_dtype(0, DType::kF32));
    // Float32 weights, or an LLM's stored ones: F16, BF16, block formats.
    const DType wt = ctx.input(1).dtype;
    if (!block_format_of(wt))
      return ctx.unsupported("weights dtype ", dtype_name(wt),
                             " (float32, float16, bfloat16 or a block format expected)");
    if (tensor_bytes(wt, w) < 0)
      return ctx.fail("weights ", w.str(), " are not rows of whole ", dtype_name(wt), " blocks");
  }
  if (in.rank() < 1) return ctx.fail("input must have rank >= 1, is a scalar");
  if (ctx.has_input(2) && !quantized) {
    ODIN_RETURN_IF_ERROR(ctx.expect_dtype(2, DType::kF32));
    const Shape& b = ctx.input_shape(2);
    if (b.rank() != 1 || b[0] != n)
      return ctx.fail("bias shape ", b.str(), " does not match the weights' ", n, " units");
  }
  Shape out;
  if (a->keep_num_dims) {
    if (in[in.rank() - 1] != k)
      return ctx.fail("with keep_num_dims the input's last dim (input ", in.str(),
                      ") must equal the weights' input size ", k, " (weights ", w.str(), ")");
    out = in;
    out[out.rank() - 1] = n;
  } else if (in.is_static()) {
    const int64_t numel = in.num_elements();
    if (numel < 0) return ctx.fail("input shape ", in.str(), " is too large");
    if (numel % k != 0)
      return ctx.fail("input ", in.str(), " has ", numel,
                      " elements, not a multiple of the weights' input size ", k, " (weights ",
                      w.str(), ")");
    out = Shape({numel / k, n});
  } else {
    if (in[in.rank() - 1] != kDynamicDim && in[in.rank() - 1] != k)
      return ctx.fail("input's last dim (input ", in.str(), ") must equal the weights' input size ",
                      k);
    out = Shape({kDynamicDim, n});
  }
  ODIN_RETURN_IF_ERROR(check_output_size(ctx, out));
  ctx.set_output(0, quantized ? dtype : DType::kF32, std::move(out));
  return Status();
}

namespace ref {
Status fully_connected_node(const KernelArgs& args);  // kernels/reference/fully_connected.cpp
}

// MACs: every output element is a dot product over the weights' depth.
static int64_t fully_connected_work(const Graph& g, const Node& n) {
  const Shape& w = g.value(n.inputs[1]).shape;
  return work::mul(work::elements(g, n.outputs[0]), w.rank() ? w[w.rank() - 1] : -1);
}

static Activation* fully_connected_activation(OpAttrs& attrs) {
  auto* a = std::get_if<FullyConnectedAttrs>(&attrs);
  return a ? &a->activation : nullptr;
}

ODIN_DEFINE_OP(kFullyConnected, .infer = infer_fully_connected,
               .reference = ref::fully_connected_node, .work = fully_connected_work,
               .macs_are_flops = true, .activation_slot = fully_connected_activation);

}  // namespace odin
