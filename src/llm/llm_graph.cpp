#include "llm/llm_graph.h"

#include <algorithm>
#include <cmath>

#include "llm/latent_attention.h"
#include "llm/llm_graph_builder.h"
#include "ops/op_def.h"

namespace odin {

Result<Graph> build_llm_graph(const LlmWeights& weights, std::shared_ptr<const void> storage,
                              const LlmGraphOptions& options, LlmGraphInfo* info) {
  ODIN_RETURN_IF_ERROR(validate_llm_weights(weights, "model"));
  const LlmConfig& c = weights.config;
  int64_t n_ctx = options.n_ctx;
  if (n_ctx == 0) n_ctx = std::min<int64_t>(c.n_ctx_train > 0 ? c.n_ctx_train : 2048, 4096);
  if (n_ctx < 1 || n_ctx > (int64_t{1} << 20))
    return make_error(StatusCode::kInvalidArgument, "context of ", n_ctx,
                      " tokens (1 to 2^20 expected)");
  if (options.max_batch < 1 || options.max_batch > (int64_t{1} << 16))
    return make_error(StatusCode::kInvalidArgument, "batch of ", options.max_batch,
                      " tokens (1 to 65536 expected)");
  if (options.kv_dtype != DType::kF16 && options.kv_dtype != DType::kF32 &&
      options.kv_dtype != DType::kQ8_0)
    return make_error(StatusCode::kInvalidArgument, "KV cache dtype ", dtype_name(options.kv_dtype),
                      " (float16, float32 or q8_0 expected)");
  // Values per cache row: a head's, or plm's latent and RoPE key.
  const int64_t cache_row = c.latent_attention() ? latent_cache_row(c) : c.head_dim;
  if (options.kv_dtype == DType::kQ8_0 && cache_row % 32 != 0)
    return make_error(StatusCode::kUnsupported, "a q8_0 KV cache needs ",
                      c.latent_attention() ? "latent + RoPE key" : "head_dim",
                      " a multiple of 32 (its block); this model's is ", cache_row, ": use f16");
  const int64_t max_batch = std::min(options.max_batch, n_ctx);
  if (options.max_logit_rows < 1 || options.max_logit_rows > max_batch)
    return make_error(StatusCode::kInvalidArgument, "logits of ", options.max_logit_rows,
                      " rows per run (1 to the batch of ", max_batch, " expected)");

  Graph g;
  g.retain_storage(std::move(storage));
  g.dim_symbols().push_back({kSeqSymbol, max_batch});
  LlmGraphBuilder b(weights, g);
  auto seq_input = [&](const char* name) {
    const ValueId v = b.value(name, DType::kI32);
    g.value(v).shape = Shape({kDynamicDim});
    g.value(v).shape.set_symbol(0, kSeqSymbol);
    g.inputs().push_back(v);
    return v;
  };
  const ValueId tokens = seq_input("tokens");
  const ValueId positions = seq_input("positions");
  const ValueId logit_row = b.value("logit_row", DType::kI32);
  g.value(logit_row).shape = Shape({options.max_logit_rows});
  if (options.max_logit_rows > 1) {
    g.dim_symbols().push_back({kLogitRowsSymbol, options.max_logit_rows});
    g.value(logit_row).shape = Shape({kDynamicDim});
    g.value(logit_row).shape.set_symbol(0, kLogitRowsSymbol);
  }
  g.inputs().push_back(logit_row);

  // llama pairs adjacent values; the Qwens pair value i with i + head_dim / 2.
  const bool neox = c.architecture == "qwen2" || c.architecture == "qwen3";
  RmsNormAttrs norm;
  norm.epsilon = c.rms_norm_eps;
  RopeAttrs rope;
  rope.head_dim = static_cast<int32_t>(c.head_dim);
  rope.n_rot = static_cast<int32_t>(c.head_dim);
  rope.theta_base = c.rope_freq_base;
  rope.neox = neox;
  AttentionAttrs attn;
  attn.n_head = static_cast<int32_t>(c.n_head);
  attn.n_kv_head = static_cast<int32_t>(c.n_head_kv);
  attn.head_dim = static_cast<int32_t>(c.head_dim);
  attn.scale = 1.0f / std::sqrt(static_cast<float>(c.head_dim));

  size_t kv_bytes = 0;
  ValueId x = b.node(OpType::kEmbedding, {b.weight("token_embd.weight"), tokens}, "embd");
  for (int64_t l = 0; l < c.n_layer; ++l) {
    const std::string p = str_cat("blk.", l, ".");
    auto cache = [&](const char* what) {
      Value v;
      v.name = p + what;
      v.dtype = options.kv_dtype;
      v.shape = Shape({c.latent_attention() ? 1 : c.n_head_kv, n_ctx, cache_row});
      v.persistent = true;
      kv_bytes += static_cast<size_t>(tensor_bytes(v.dtype, v.shape));
      return g.add_value(std::move(v));
    };
    const ValueId h =
        b.node(OpType::kRmsNorm, {x, b.weight(p + "attn_norm.weight")}, p + "attn_norm", norm);
    if (c.latent_attention()) {  // plm: attention over a latent cache, squared-ReLU FFN
      const ValueId a = latent_attention(b, c, p, h, positions, cache("kv_cache"), norm);
      x = b.node(OpType::kAdd, {x, b.matmul(a, p + "attn_output.weight", "", p + "attn_out")},
                 p + "attn_residual", BinaryAttrs{});
      const ValueId f =
          b.node(OpType::kRmsNorm, {x, b.weight(p + "ffn_norm.weight")}, p + "ffn_norm", norm);
      const ValueId up = b.node(OpType::kRelu, {b.matmul(f, p + "ffn_up.weight", "", p + "ffn_up")},
                                p + "ffn_relu");
      const ValueId sq = b.node(OpType::kMul, {up, up}, p + "ffn_act", BinaryAttrs{});
      x = b.node(OpType::kAdd, {x, b.matmul(sq, p + "ffn_down.weight", "", p + "ffn_down")},
                 p + "ffn_residual", BinaryAttrs{});
      continue;
    }
    ValueId q = b.matmul(h, p + "attn_q.weight", p + "attn_q.bias", p + "q");
    ValueId k = b.matmul(h, p + "attn_k.weight", p + "attn_k.bias", p + "k");
    const ValueId v = b.matmul(h, p + "attn_v.weight", p + "attn_v.bias", p + "v");
    if (c.qk_norm) {  // before RoPE, as llama.cpp's qwen3 graph does
      q = b.head_norm(q, c.n_head, c.head_dim, p + "attn_q_norm.weight", p + "q_norm", norm);
      k = b.head_norm(k, c.n_head_kv, c.head_dim, p + "attn_k_norm.weight", p + "k_norm", norm);
    }
    q = b.node(OpType::kRope, {q, positions}, p + "q_rope", rope);
    k = b.node(OpType::kRope, {k, positions}, p + "k_rope", rope);
    const ValueId a =
        b.node(OpType::kAttention, {q, k, v, positions, cache("k_cache"), cache("v_cache")},
               p + "attention", attn);
    const ValueId o = b.matmul(a, p + "attn_output.weight", "", p + "attn_out");
    x = b.node(OpType::kAdd, {x, o}, p + "attn_residual", BinaryAttrs{});
    const ValueId f =
        b.node(OpType::kRmsNorm, {x, b.weight(p + "ffn_norm.weight")}, p + "ffn_norm", norm);
    const ValueId gate = b.matmul(f, p + "ffn_gate.weight", "", p + "ffn_gate");
    const ValueId up = b.matmul(f, p + "ffn_up.weight", "", p + "ffn_up");
    const ValueId act = b.node(OpType::kSwiglu, {gate, up}, p + "ffn_act");
    const ValueId down = b.matmul(act, p + "ffn_down.weight", "", p + "ffn_down");
    x = b.node(OpType::kAdd, {x, down}, p + "ffn_residual", BinaryAttrs{});
  }
  // Only the requested row goes through the final norm and the classifier.
  const ValueId last = b.node(OpType::kGather, {x, logit_row}, "logit_hidden", GatherAttrs{});
  const ValueId n =
      b.node(OpType::kRmsNorm, {last, b.weight("output_norm.weight")}, "output_norm", norm);
  const ValueId logits =
      b.matmul(n, c.tied_output ? "token_embd.weight" : "output.weight", "", "logits");
  g.outputs().push_back(logits);
  // Shapes are inferred by the session, at the symbol's maximum.
  ODIN_RETURN_IF_ERROR(g.validate());
  if (info) *info = {n_ctx, max_batch, c.n_vocab, kv_bytes, options.max_logit_rows};
  return g;
}

std::optional<DType> kv_cache_dtype_named(std::string_view name) {
  if (name == "f16") return DType::kF16;
  if (name == "f32") return DType::kF32;
  if (name == "q8_0") return DType::kQ8_0;
  return std::nullopt;
}

}  // namespace odin
