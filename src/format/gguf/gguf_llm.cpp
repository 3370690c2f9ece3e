#include "format/gguf/gguf_llm.h"

namespace odin::gguf {
namespace {

// An integer hyperparameter; `fallback` < 0: required.
Result<int64_t> read_int(const GgufFile& f, const std::string& source, const std::string& key,
                         int64_t fallback = -1) {
  if (fallback >= 0 && !f.find(key)) return fallback;
  ODIN_ASSIGN_OR_RETURN(uint64_t v, f.get_uint(key));
  if (v > (uint64_t{1} << 32))  // check_llm_config bounds the rest
    return make_error(StatusCode::kInvalidModel, source, ": GGUF metadata '", key, "' is ", v,
                      ", more than any model has");
  return static_cast<int64_t>(v);
}

Result<float> read_float(const GgufFile& f, const std::string& key, float fallback) {
  if (!f.find(key)) return fallback;
  ODIN_ASSIGN_OR_RETURN(double v, f.get_float(key));
  return static_cast<float>(v);
}

// Head size as llama.cpp reads it: attention.key_length (qwen3's heads are
// wider than n_embd / n_head), else the width split over the heads. odin's
// K and V heads are one size and RoPE turns whole heads: value_length and
// rope.dimension_count, when present, must agree.
Result<int64_t> read_head_dim(const GgufFile& f, const std::string& source, const std::string& a,
                              const LlmConfig& c) {
  const int64_t split = c.n_head > 0 ? c.n_embd / c.n_head : 0;
  ODIN_ASSIGN_OR_RETURN(int64_t k, read_int(f, source, a + "attention.key_length", split));
  ODIN_ASSIGN_OR_RETURN(int64_t v, read_int(f, source, a + "attention.value_length", k));
  ODIN_ASSIGN_OR_RETURN(int64_t rot, read_int(f, source, a + "rope.dimension_count", k));
  if (v != k)
    return make_error(StatusCode::kUnsupported, source, ": value heads of ", v, " (", a,
                      "attention.value_length) differ from key heads of ", k,
                      "; odin needs one head size");
  if (rot != k)
    return make_error(StatusCode::kUnsupported, source, ": RoPE turns ", rot, " values (", a,
                      "rope.dimension_count) of heads of ", k, "; odin turns whole heads");
  return k;
}

// plm's latent attention (llama.cpp's keys): the latent's rank, the RoPE
// part of each Q/K head and the V heads' size.
Status read_latent_attention(const GgufFile& f, const std::string& source, const std::string& a,
                             LlmConfig& c) {
  const int64_t split = c.n_head > 0 ? c.n_embd / c.n_head : 0;
  ODIN_ASSIGN_OR_RETURN(c.head_dim, read_int(f, source, a + "attention.key_length", split));
  ODIN_ASSIGN_OR_RETURN(c.head_dim_v, read_int(f, source, a + "attention.value_length", split));
  ODIN_ASSIGN_OR_RETURN(c.rope_dim, read_int(f, source, a + "rope.dimension_count", split));
  ODIN_ASSIGN_OR_RETURN(c.kv_lora_rank, read_int(f, source, a + "attention.kv_lora_rank"));
  return Status();
}

}  // namespace

Result<LlmWeights> llm_weights(const GgufFile& f, const std::string& source) {
  LlmWeights w;
  LlmConfig& c = w.config;
  ODIN_ASSIGN_OR_RETURN(std::string_view arch, f.get_string("general.architecture"));
  c.architecture = std::string(arch);
  if (!llm_architecture_supported(c.architecture))
    return make_error(StatusCode::kUnsupported, source, ": architecture '", c.architecture,
                      "' is not supported (", kLlmArchitectures, ")");
  const std::string a = c.architecture + ".";
  ODIN_ASSIGN_OR_RETURN(c.n_embd, read_int(f, source, a + "embedding_length"));
  ODIN_ASSIGN_OR_RETURN(c.n_ff, read_int(f, source, a + "feed_forward_length"));
  ODIN_ASSIGN_OR_RETURN(c.n_layer, read_int(f, source, a + "block_count"));
  ODIN_ASSIGN_OR_RETURN(c.n_head, read_int(f, source, a + "attention.head_count"));
  ODIN_ASSIGN_OR_RETURN(c.n_head_kv, read_int(f, source, a + "attention.head_count_kv", c.n_head));
  ODIN_ASSIGN_OR_RETURN(c.n_ctx_train, read_int(f, source, a + "context_length"));
  if (c.architecture == "plm") {
    ODIN_RETURN_IF_ERROR(read_latent_attention(f, source, a, c));
  } else {
    ODIN_ASSIGN_OR_RETURN(c.head_dim, read_head_dim(f, source, a, c));
  }
  ODIN_ASSIGN_OR_RETURN(c.rope_freq_base, read_float(f, a + "rope.freq_base", 10000.0f));
  ODIN_ASSIGN_OR_RETURN(c.rms_norm_eps,
                        read_float(f, a + "attention.layer_norm_rms_epsilon", 1e-5f));
  c.qkv_bias = c.architecture == "qwen2";
  c.qk_norm = c.architecture == "qwen3";

  for (const TensorEntry& t : f.tensors()) {
    const TensorTypeInfo* info = tensor_type_info(t.type);
    if (!info || !info->format) {
      // Only tensors the model uses must be decodable; others are skipped.
      continue;
    }
    w.tensors.push_back({std::string(t.name), *info->format, t.dims, t.data});
  }
  const TensorEntry* embd = f.find_tensor("token_embd.weight");
  if (!embd || embd->dims.size() != 2)
    return make_error(StatusCode::kInvalidModel, source,
                      ": tensor 'token_embd.weight' is missing or not a matrix");
  c.n_vocab = embd->dims[1];
  c.tied_output = f.find_tensor("output.weight") == nullptr;
  ODIN_RETURN_IF_ERROR(check_llm_config(c, source));
  ODIN_RETURN_IF_ERROR(check_llm_layer_count(c, f.tensors().size(), source));
  // A tensor the model needs in a type odin cannot decode: say which.
  for (const ExpectedTensor& e : expected_llm_tensors(c)) {
    const TensorEntry* t = f.find_tensor(e.name);
    const TensorTypeInfo* info = t ? tensor_type_info(t->type) : nullptr;
    if (info && !info->format)
      return make_error(StatusCode::kUnsupported, source, ": tensor '", e.name, "' is ", info->name,
                        ", which odin does not decode yet (F32, F16, BF16, Q8_0, "
                        "Q4_0, Q4_K, Q6_K)");
  }
  ODIN_RETURN_IF_ERROR(validate_llm_weights(w, source));
  return w;
}

}  // namespace odin::gguf
