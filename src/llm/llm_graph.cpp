#include "llm/llm_graph.h"

#include <algorithm>
#include <cmath>

#include "ops/op_def.h"
#include "quant/weight_rows.h"

namespace odin {
namespace {

class Builder {
 public:
  Builder(const LlmWeights& w, Graph& g) : w_(w), g_(g) {}

  // A constant over the tensor's bytes (borrowed from the file). GGUF dims
  // are innermost first; the IR's are outermost first.
  ValueId weight(const std::string& name) {
    const LlmTensor* t = w_.find(name);
    Value v;
    v.name = name;
    v.dtype = dtype_of(t->format);
    std::vector<int64_t> dims(t->dims.rbegin(), t->dims.rend());
    v.shape = Shape(std::move(dims));
    v.data = t->data.data();
    v.data_bytes = t->data.size();
    return g_.add_value(std::move(v));
  }
  bool has(const std::string& name) const { return w_.find(name) != nullptr; }

  ValueId value(const std::string& name, DType dtype = DType::kF32) {
    Value v;
    v.name = name;
    v.dtype = dtype;
    return g_.add_value(std::move(v));
  }

  ValueId node(OpType op, std::vector<ValueId> inputs, const std::string& name,
               OpAttrs attrs = {}) {
    const ValueId out = value(name);
    Node n;
    n.op = op;
    n.attrs = std::move(attrs);
    n.inputs = std::move(inputs);
    n.outputs = {out};
    n.name = name;
    g_.add_node(std::move(n));
    return out;
  }

  ValueId matmul(ValueId x, const std::string& weight_name, const std::string& bias_name,
                 const std::string& name) {
    std::vector<ValueId> in = {x, weight(weight_name)};
    if (!bias_name.empty() && has(bias_name)) in.push_back(weight(bias_name));
    FullyConnectedAttrs a;
    a.keep_num_dims = true;
    return node(OpType::kFullyConnected, std::move(in), name, a);
  }

  // RMS norm of each head of x [seq, heads * head_dim] (qwen3's Q/K norm):
  // RMS_NORM normalizes the last dim, so x is viewed as [seq, heads,
  // head_dim] for the [head_dim] weight, then as rows again for ROPE.
  ValueId head_norm(ValueId x, int64_t heads, int64_t head_dim, const std::string& weight_name,
                    const std::string& name, const RmsNormAttrs& norm) {
    const auto shape = [](std::vector<int32_t> dims) {
      return ReshapeAttrs{std::move(dims), true};
    };
    const auto h = static_cast<int32_t>(heads), d = static_cast<int32_t>(head_dim);
    const ValueId by_head = node(OpType::kReshape, {x}, name + "_heads", shape({-1, h, d}));
    const ValueId n = node(OpType::kRmsNorm, {by_head, weight(weight_name)}, name, norm);
    return node(OpType::kReshape, {n}, name + "_rows", shape({-1, h * d}));
  }

 private:
  const LlmWeights& w_;
  Graph& g_;
};

}  // namespace

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
  if (options.kv_dtype == DType::kQ8_0 && c.head_dim % 32 != 0)
    return make_error(StatusCode::kUnsupported, "a q8_0 KV cache needs head_dim a multiple of 32 (",
                      "its block); this model's is ", c.head_dim, ": use f16");
  const int64_t max_batch = std::min(options.max_batch, n_ctx);
  if (options.max_logit_rows < 1 || options.max_logit_rows > max_batch)
    return make_error(StatusCode::kInvalidArgument, "logits of ", options.max_logit_rows,
                      " rows per run (1 to the batch of ", max_batch, " expected)");

  Graph g;
  g.retain_storage(std::move(storage));
  g.dim_symbols().push_back({kSeqSymbol, max_batch});
  Builder b(weights, g);
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
      v.shape = Shape({c.n_head_kv, n_ctx, c.head_dim});
      v.persistent = true;
      kv_bytes += static_cast<size_t>(tensor_bytes(v.dtype, v.shape));
      return g.add_value(std::move(v));
    };
    const ValueId h =
        b.node(OpType::kRmsNorm, {x, b.weight(p + "attn_norm.weight")}, p + "attn_norm", norm);
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
