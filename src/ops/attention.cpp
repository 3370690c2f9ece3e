// ATTENTION shape inference. Inputs: q [n, n_head * head_dim], k and v
// [n, n_kv_head * head_dim] (float32), positions [n] (int32), and the KV
// cache k_cache, v_cache [n_kv_head, ctx, head_dim] (float16, float32, or
// Q8_0 blocks along head_dim, one fp16 scale per 32 values of a head's row;
// persistent; head-major, so one head's rows are contiguous). Output:
// [n, n_head * head_dim].
//
// Row i's keys and values are first stored in the caches at row
// positions[i] (the cache is updated in place: OpDef::writes_state_inputs);
// then each head of q row i attends causally to cache rows 0..positions[i]
// of its KV head (grouped-query: n_head / n_kv_head query heads share one).
// Rows below the batch's positions hold earlier calls' keys: a generation
// continues from its prefix without recomputing it. With a float16 cache,
// q is rounded to float16 before q.k, as llama.cpp's kernels do (its
// F16 K x Q product converts Q): so the two agree on near ties.
#include "ops/infer_context.h"
#include "ops/op_def.h"
#include "ops/window.h"
#include "ops/work.h"

namespace odin {

static Status infer_attention(InferContext& ctx) {
  ODIN_RETURN_IF_ERROR(ctx.expect_inputs(6, 6));
  ODIN_RETURN_IF_ERROR(ctx.expect_outputs(1));
  const AttentionAttrs* a = node_attrs<AttentionAttrs>(ctx);
  if (!a) return ctx.fail("missing ATTENTION attributes");
  if (a->n_head < 1 || a->n_kv_head < 1 || a->head_dim < 1 || a->n_head % a->n_kv_head != 0)
    return ctx.fail("n_head ", a->n_head, " must be a multiple of n_kv_head ", a->n_kv_head,
                    ", head_dim ", a->head_dim, " >= 1");
  const int64_t q_width = int64_t{a->n_head} * a->head_dim;
  const int64_t kv_width = int64_t{a->n_kv_head} * a->head_dim;
  for (size_t i = 0; i < 3; ++i) {
    ODIN_RETURN_IF_ERROR(ctx.expect_dtype(i, DType::kF32));
    ODIN_RETURN_IF_ERROR(ctx.expect_rank(i, 2));
  }
  ODIN_RETURN_IF_ERROR(ctx.expect_dtype(3, DType::kI32));
  ODIN_RETURN_IF_ERROR(ctx.expect_rank(3, 1));
  const Shape& q = ctx.input_shape(0);
  const int64_t n = q[0];
  if (q[1] != q_width || ctx.input_shape(1) != Shape({n, kv_width}) ||
      ctx.input_shape(2) != Shape({n, kv_width}) || ctx.input_shape(3)[0] != n)
    return ctx.fail("q ", q.str(), ", k ", ctx.input_shape(1).str(), ", v ",
                    ctx.input_shape(2).str(), " and positions ", ctx.input_shape(3).str(),
                    " do not agree with ", a->n_head, " heads and ", a->n_kv_head, " KV heads of ",
                    a->head_dim);
  for (size_t i = 4; i < 6; ++i) {
    const Value& cache = ctx.input(i);
    if (cache.dtype != DType::kF16 && cache.dtype != DType::kF32 && cache.dtype != DType::kQ8_0)
      return ctx.unsupported("KV cache dtype ", dtype_name(cache.dtype),
                             " (float16, float32 or q8_0 expected)");
    if (cache.dtype == DType::kQ8_0 && a->head_dim % 32 != 0)
      return ctx.unsupported("q8_0 KV cache with head_dim ", a->head_dim,
                             " (a multiple of 32, its block, expected)");
    ODIN_RETURN_IF_ERROR(ctx.expect_rank(i, 3));
    ODIN_RETURN_IF_ERROR(ctx.expect_static(i));
    if (cache.shape[0] != a->n_kv_head || cache.shape[2] != a->head_dim || cache.shape[1] < 1)
      return ctx.fail("KV cache ", cache.shape.str(), " must be [", a->n_kv_head, ", context, ",
                      a->head_dim, "]");
  }
  if (ctx.input_shape(4) != ctx.input_shape(5))
    return ctx.fail("K cache ", ctx.input_shape(4).str(), " and V cache ", ctx.input_shape(5).str(),
                    " differ");
  ctx.set_output(0, DType::kF32, q);
  return Status();
}

namespace ref {
Status attention_node(const KernelArgs& args);  // kernels/reference/attention.cpp
}

// MACs at the longest context: q.k and p.v over every cache row per head.
static int64_t attention_work(const Graph& g, const Node& n) {
  const auto* a = std::get_if<AttentionAttrs>(&n.attrs);
  if (!a) return -1;
  const int64_t rows = work::dim(g, n.inputs[0], 0), ctx = work::dim(g, n.inputs[4], 1);
  return work::mul(work::mul(rows, ctx), work::mul(2 * int64_t{a->n_head}, a->head_dim));
}

ODIN_DEFINE_OP(kAttention, .infer = infer_attention, .reference = ref::attention_node,
               .work = attention_work, .macs_are_flops = true,
               .writes_state_inputs = (1u << 4) | (1u << 5));

}  // namespace odin
