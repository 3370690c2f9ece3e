#include "llm/llm_graph.h"

#include <algorithm>
#include <cmath>
#include <numeric>

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
  const LlmSplit& split = options.split;
  if (split.active() &&
      (split.device == split.host || !(split.device_share >= 0.0) || split.device_share > 1.0))
    return make_error(StatusCode::kInvalidArgument, "a split of ", split.device, "+", split.host,
                      " with a device share of ", split.device_share,
                      " (two backends and a share of 0 to 1 expected)");
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
  auto cache = [&](const std::string& name, int64_t heads) {
    Value v;
    v.name = name;
    v.dtype = options.kv_dtype;
    v.shape = Shape({c.latent_attention() ? 1 : heads, n_ctx, cache_row});
    v.persistent = true;
    kv_bytes += static_cast<size_t>(tensor_bytes(v.dtype, v.shape));
    return g.add_value(std::move(v));
  };
  // The device's part of a split first (its work is queued while the host
  // computes its own), then the host's, joined by `join`: side by side along
  // the last axis (CONCATENATION), or summed (ADD) when each part is a
  // product over its share of an inner dim; without a split, one part of
  // everything. Each join is a wait for the device and a copy back.
  int64_t device_kv_heads = 0;
  auto parts = [&](int64_t total, int64_t unit, const std::string& name, OpType join,
                   const auto& part) {
    if (!split.active()) return part(int64_t{0}, total, std::string());
    const double units = std::round(split.device_share * static_cast<double>(total) / unit);
    const int64_t on_device = std::clamp<int64_t>(static_cast<int64_t>(units) * unit, 0, total);
    std::vector<ValueId> joined;
    for (const bool device : {true, false}) {
      const int64_t begin = device ? 0 : on_device, count = device ? on_device : total - on_device;
      if (count == 0) continue;
      const size_t first = g.num_nodes();
      joined.push_back(part(begin, count, device ? ".device" : ".host"));
      for (size_t n = first; n < g.num_nodes(); ++n)
        g.mutable_nodes()[n].placement = device ? split.device : split.host;
    }
    if (joined.size() == 1) return joined[0];
    if (join == OpType::kAdd) return b.node(OpType::kAdd, joined, name, BinaryAttrs{});
    return b.node(OpType::kConcatenation, joined, name, ConcatenationAttrs{-1});
  };
  // A matrix's output rows, split in runs of 32.
  auto matmul = [&](ValueId x, const std::string& w, const std::string& bias,
                    const std::string& name) {
    return parts(b.rows(w), 32, name, OpType::kConcatenation,
                 [&](int64_t begin, int64_t count, const std::string& sfx) {
                   return b.matmul_rows(x, w, bias, begin, count, name + sfx);
                 });
  };
  // A feed-forward block: `hidden` (its share of the hidden units, from the
  // up/gate matrices' rows) times the same columns of ffn_down, the parts
  // summed: one join per block. Runs of 32 rows, and of whole blocks of
  // ffn_down's columns.
  auto feed_forward = [&](const std::string& p, const std::string& hidden_rows,
                          const auto& hidden) {
    const std::string down = p + "ffn_down.weight";
    return parts(b.rows(hidden_rows), std::lcm(int64_t{32}, b.column_unit(down)), p + "ffn_down",
                 OpType::kAdd, [&](int64_t begin, int64_t count, const std::string& sfx) {
                   return b.matmul_cols(hidden(begin, count, sfx), down, begin, count,
                                        p + "ffn_down" + sfx);
                 });
  };

  ValueId x = b.node(OpType::kEmbedding, {b.weight("token_embd.weight"), tokens}, "embd");
  const int64_t n_layer = options.layers > 0 ? std::min(options.layers, c.n_layer) : c.n_layer;
  for (int64_t l = 0; l < n_layer; ++l) {
    const std::string p = str_cat("blk.", l, ".");
    const ValueId h =
        b.node(OpType::kRmsNorm, {x, b.weight(p + "attn_norm.weight")}, p + "attn_norm", norm);
    if (c.latent_attention()) {  // plm: attention over a latent cache, squared-ReLU FFN
      const ValueId a = latent_attention(b, c, p, h, positions, cache(p + "kv_cache", 1), norm);
      x = b.node(OpType::kAdd, {x, matmul(a, p + "attn_output.weight", "", p + "attn_out")},
                 p + "attn_residual", BinaryAttrs{});
      const ValueId f =
          b.node(OpType::kRmsNorm, {x, b.weight(p + "ffn_norm.weight")}, p + "ffn_norm", norm);
      const ValueId down = feed_forward(
          p, p + "ffn_up.weight", [&](int64_t begin, int64_t count, const std::string& sfx) {
            const ValueId up = b.node(
                OpType::kRelu,
                {b.matmul_rows(f, p + "ffn_up.weight", "", begin, count, p + "ffn_up" + sfx)},
                p + "ffn_relu" + sfx);
            return b.node(OpType::kMul, {up, up}, p + "ffn_act" + sfx, BinaryAttrs{});
          });
      x = b.node(OpType::kAdd, {x, down}, p + "ffn_residual", BinaryAttrs{});
      continue;
    }
    // Heads by KV head: KV head j serves query heads j * rep .. j * rep + rep - 1.
    // Each part's heads times their columns of the output matrix, the parts
    // summed (one join); in runs of KV heads whose columns are whole blocks.
    const int64_t rep = c.n_head / c.n_head_kv, hd = c.head_dim;
    const std::string wo = p + "attn_output.weight";
    const int64_t head_unit = b.column_unit(wo) / std::gcd(b.column_unit(wo), rep * hd);
    const ValueId o = parts(
        c.n_head_kv, head_unit, p + "attn_out", OpType::kAdd,
        [&](int64_t kv0, int64_t kvn, const std::string& sfx) {
          if (l == 0 && sfx == ".device") device_kv_heads = kvn;
          ValueId q = b.matmul_rows(h, p + "attn_q.weight", p + "attn_q.bias", kv0 * rep * hd,
                                    kvn * rep * hd, p + "q" + sfx);
          ValueId k = b.matmul_rows(h, p + "attn_k.weight", p + "attn_k.bias", kv0 * hd, kvn * hd,
                                    p + "k" + sfx);
          const ValueId v = b.matmul_rows(h, p + "attn_v.weight", p + "attn_v.bias", kv0 * hd,
                                          kvn * hd, p + "v" + sfx);
          if (c.qk_norm) {  // before RoPE, as llama.cpp's qwen3 graph does
            q = b.head_norm(q, kvn * rep, hd, p + "attn_q_norm.weight", p + "q_norm" + sfx, norm);
            k = b.head_norm(k, kvn, hd, p + "attn_k_norm.weight", p + "k_norm" + sfx, norm);
          }
          q = b.node(OpType::kRope, {q, positions}, p + "q_rope" + sfx, rope);
          k = b.node(OpType::kRope, {k, positions}, p + "k_rope" + sfx, rope);
          AttentionAttrs part = attn;
          part.n_head = static_cast<int32_t>(kvn * rep);
          part.n_kv_head = static_cast<int32_t>(kvn);
          const ValueId k_cache = cache(p + "k_cache" + sfx, kvn);
          const ValueId v_cache = cache(p + "v_cache" + sfx, kvn);
          const ValueId a = b.node(OpType::kAttention, {q, k, v, positions, k_cache, v_cache},
                                   p + "attention" + sfx, part);
          return b.matmul_cols(a, wo, kv0 * rep * hd, kvn * rep * hd, p + "attn_out" + sfx);
        });
    x = b.node(OpType::kAdd, {x, o}, p + "attn_residual", BinaryAttrs{});
    const ValueId f =
        b.node(OpType::kRmsNorm, {x, b.weight(p + "ffn_norm.weight")}, p + "ffn_norm", norm);
    const ValueId down = feed_forward(
        p, p + "ffn_gate.weight", [&](int64_t begin, int64_t count, const std::string& sfx) {
          const ValueId gate =
              b.matmul_rows(f, p + "ffn_gate.weight", "", begin, count, p + "ffn_gate" + sfx);
          const ValueId up =
              b.matmul_rows(f, p + "ffn_up.weight", "", begin, count, p + "ffn_up" + sfx);
          return b.node(OpType::kSwiglu, {gate, up}, p + "ffn_act" + sfx);
        });
    x = b.node(OpType::kAdd, {x, down}, p + "ffn_residual", BinaryAttrs{});
  }
  // Only the requested row goes through the final norm and the classifier.
  const ValueId last = b.node(OpType::kGather, {x, logit_row}, "logit_hidden", GatherAttrs{});
  const ValueId n =
      b.node(OpType::kRmsNorm, {last, b.weight("output_norm.weight")}, "output_norm", norm);
  const ValueId logits =
      matmul(n, c.tied_output ? "token_embd.weight" : "output.weight", "", "logits");
  g.outputs().push_back(logits);
  // Everything between the parts runs on the host.
  if (split.active())
    for (Node& node : g.mutable_nodes())
      if (node.placement.empty()) node.placement = split.host;
  // Shapes are inferred by the session, at the symbol's maximum.
  ODIN_RETURN_IF_ERROR(g.validate());
  if (info) {
    *info = {n_ctx, max_batch, c.n_vocab, kv_bytes, options.max_logit_rows};
    if (split.active()) {
      info->device_share = split.device_share;
      info->kv_heads = c.latent_attention() ? 0 : c.n_head_kv;
      info->device_kv_heads = device_kv_heads;
    }
  }
  return g;
}

std::optional<LlmSplit> llm_split_named(std::string_view spec) {
  const size_t plus = spec.find('+');
  if (plus == std::string_view::npos) return std::nullopt;
  LlmSplit split;
  split.device = std::string(spec.substr(0, plus));
  split.host = std::string(spec.substr(plus + 1));
  return split;
}

std::optional<DType> kv_cache_dtype_named(std::string_view name) {
  if (name == "f16") return DType::kF16;
  if (name == "f32") return DType::kF32;
  if (name == "q8_0") return DType::kQ8_0;
  return std::nullopt;
}

}  // namespace odin
