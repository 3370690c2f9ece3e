// ATTENTION shape inference. Inputs: q [n, n_head * head_dim], k
// [n, n_kv_head * head_dim] and v [n, n_kv_head * v_head_dim] (float32),
// positions [n] (int32), and the KV cache k_cache [n_kv_head, ctx,
// head_dim], v_cache [n_kv_head, ctx, v_head_dim] (float16, float32, or
// Q8_0 blocks along a head's row, one fp16 scale per 32 values; persistent;
// head-major, so one head's rows are contiguous). Output: [n, n_head *
// v_head_dim]. v_head_dim is the attribute's value_dim(): head_dim unless
// set.
//
// v and v_cache may both be absent (multi-head latent attention, the MLA
// absorption: one KV head whose row is [latent ; RoPE key]): the values are
// then the first v_head_dim values of each K cache row, so what keys and
// values share is stored once.
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

static Status check_cache(InferContext& ctx, size_t i, int64_t n_kv_head, int64_t row) {
  const Value& cache = ctx.input(i);
  if (cache.dtype != DType::kF16 && cache.dtype != DType::kF32 && cache.dtype != DType::kQ8_0)
    return ctx.unsupported("KV cache dtype ", dtype_name(cache.dtype),
                           " (float16, float32 or q8_0 expected)");
  if (cache.dtype == DType::kQ8_0 && row % 32 != 0)
    return ctx.unsupported("q8_0 KV cache with rows of ", row,
                           " (a multiple of 32, its block, expected)");
  ODIN_RETURN_IF_ERROR(ctx.expect_rank(i, 3));
  ODIN_RETURN_IF_ERROR(ctx.expect_static(i));
  if (cache.shape[0] != n_kv_head || cache.shape[2] != row || cache.shape[1] < 1)
    return ctx.fail("KV cache ", cache.shape.str(), " must be [", n_kv_head, ", context, ", row,
                    "]");
  return Status();
}

static Status infer_attention(InferContext& ctx) {
  // Six slots; v and the V cache (2 and 5) may be absent.
  ODIN_RETURN_IF_ERROR(ctx.expect_inputs(2, 6));
  ODIN_RETURN_IF_ERROR(ctx.expect_outputs(1));
  if (ctx.num_inputs() != 6 || !ctx.has_input(3) || !ctx.has_input(4))
    return ctx.fail("expects 6 input slots (v and the V cache may be absent), has ",
                    ctx.num_inputs());
  const AttentionAttrs* a = node_attrs<AttentionAttrs>(ctx);
  if (!a) return ctx.fail("missing ATTENTION attributes");
  if (a->n_head < 1 || a->n_kv_head < 1 || a->head_dim < 1 || a->n_head % a->n_kv_head != 0 ||
      a->v_head_dim < 0)
    return ctx.fail("n_head ", a->n_head, " must be a multiple of n_kv_head ", a->n_kv_head,
                    ", head_dim ", a->head_dim, " >= 1, v_head_dim ", a->v_head_dim, " >= 0");
  const bool v_in_k = !ctx.has_input(2) && !ctx.has_input(5);
  if (!v_in_k && (!ctx.has_input(2) || !ctx.has_input(5)))
    return ctx.fail("v and the V cache must both be present or both absent");
  const int64_t dv = a->value_dim();
  if (v_in_k && dv > a->head_dim)
    return ctx.fail("values of ", dv, " cannot be read from K cache rows of ", a->head_dim);
  const int64_t q_width = int64_t{a->n_head} * a->head_dim;
  const int64_t k_width = int64_t{a->n_kv_head} * a->head_dim;
  const int64_t v_width = int64_t{a->n_kv_head} * dv;
  for (size_t i = 0; i < 3; ++i) {
    if (i == 2 && v_in_k) continue;
    ODIN_RETURN_IF_ERROR(ctx.expect_dtype(i, DType::kF32));
    ODIN_RETURN_IF_ERROR(ctx.expect_rank(i, 2));
  }
  ODIN_RETURN_IF_ERROR(ctx.expect_dtype(3, DType::kI32));
  ODIN_RETURN_IF_ERROR(ctx.expect_rank(3, 1));
  const Shape& q = ctx.input_shape(0);
  const int64_t n = q[0];
  if (q[1] != q_width || ctx.input_shape(1) != Shape({n, k_width}) ||
      (!v_in_k && ctx.input_shape(2) != Shape({n, v_width})) || ctx.input_shape(3)[0] != n)
    return ctx.fail("q ", q.str(), ", k ", ctx.input_shape(1).str(), ", v ",
                    v_in_k ? std::string("(from k)") : ctx.input_shape(2).str(), " and positions ",
                    ctx.input_shape(3).str(), " do not agree with ", a->n_head, " heads and ",
                    a->n_kv_head, " KV heads of ", a->head_dim, " (values ", dv, ")");
  ODIN_RETURN_IF_ERROR(check_cache(ctx, 4, a->n_kv_head, a->head_dim));
  if (!v_in_k) {
    ODIN_RETURN_IF_ERROR(check_cache(ctx, 5, a->n_kv_head, dv));
    if (ctx.input(5).dtype != ctx.input(4).dtype || ctx.input_shape(5)[1] != ctx.input_shape(4)[1])
      return ctx.fail("K cache ", ctx.input_shape(4).str(), " and V cache ",
                      ctx.input_shape(5).str(), " differ in dtype or context");
  }
  ctx.set_output(0, DType::kF32, Shape({n, int64_t{a->n_head} * dv}));
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
  return work::mul(work::mul(rows, ctx),
                   work::mul(int64_t{a->n_head}, int64_t{a->head_dim} + a->value_dim()));
}

ODIN_DEFINE_OP(kAttention, .infer = infer_attention, .reference = ref::attention_node,
               .work = attention_work, .macs_are_flops = true,
               .writes_state_inputs = (1u << 4) | (1u << 5));

}  // namespace odin
