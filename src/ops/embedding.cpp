// EMBEDDING shape inference: a table [vocab, d] in any weight dtype (F32,
// F16, BF16 or a block format: an LLM's token embeddings, quantized rows
// included) and int32 ids [n] give float32 rows [n, d].
#include "ops/infer_context.h"
#include "ops/op_def.h"
#include "ops/window.h"
#include "quant/weight_rows.h"

namespace odin {

static Status infer_embedding(InferContext& ctx) {
  ODIN_RETURN_IF_ERROR(ctx.expect_inputs(2, 2));
  ODIN_RETURN_IF_ERROR(ctx.expect_outputs(1));
  ODIN_RETURN_IF_ERROR(ctx.expect_rank(0, 2));
  ODIN_RETURN_IF_ERROR(ctx.expect_static(0));
  ODIN_RETURN_IF_ERROR(ctx.expect_rank(1, 1));
  ODIN_RETURN_IF_ERROR(ctx.expect_dtype(1, DType::kI32));
  const Value& table = ctx.input(0);
  if (!block_format_of(table.dtype) || tensor_bytes(table.dtype, table.shape) < 0)
    return ctx.unsupported("table ", dtype_name(table.dtype), " ", table.shape.str(),
                           " is not a float or block-quantized matrix of whole blocks");
  const Shape out({ctx.input_shape(1)[0], table.shape[1]});
  ODIN_RETURN_IF_ERROR(check_output_size(ctx, out));
  ctx.set_output(0, DType::kF32, out);
  return Status();
}

namespace ref {
Status embedding_node(const KernelArgs& args);  // kernels/reference/embedding.cpp
}

ODIN_DEFINE_OP(kEmbedding, .infer = infer_embedding, .reference = ref::embedding_node);

}  // namespace odin
