#include "format/llm/llm_weights.h"

#include <limits>
#include <unordered_set>

namespace odin {
namespace {

// Far above any model odin targets, low enough that products of two or three
// of them cannot overflow int64.
constexpr int64_t kMaxDim = int64_t{1} << 24;

std::string dims_string(const std::vector<int64_t>& dims) {
  std::string s = "[";
  for (size_t i = 0; i < dims.size(); ++i) s += (i ? ", " : "") + std::to_string(dims[i]);
  return s + "]";
}

// plm's latent sizes: in range, the rotated part within the head.
Status check_latent_config(const LlmConfig& c, const std::string& source) {
  for (int64_t v : {c.kv_lora_rank, c.rope_dim, c.head_dim_v})
    if (v < 1 || v > kMaxDim)
      return make_error(StatusCode::kInvalidModel, source, ": latent attention sizes (rank ",
                        c.kv_lora_rank, ", RoPE dims ", c.rope_dim, ", V heads ", c.head_dim_v,
                        ") must be 1 to ", kMaxDim);
  if (c.rope_dim >= c.head_dim || c.n_head_kv != c.n_head || c.n_head * c.head_dim_v > kMaxDim)
    return make_error(StatusCode::kInvalidModel, source, ": RoPE dims ", c.rope_dim,
                      " must be less than the heads' ", c.head_dim,
                      ", every head its own KV head (", c.n_head, " and ", c.n_head_kv, "), ",
                      c.n_head, " V heads of ", c.head_dim_v, " in range");
  return Status();
}

}  // namespace

bool llm_architecture_supported(const std::string& architecture) {
  return architecture == "llama" || architecture == "qwen2" || architecture == "qwen3" ||
         architecture == "plm";
}

Status check_llm_config(const LlmConfig& c, const std::string& source) {
  const struct {
    const char* name;
    int64_t value;
  } fields[] = {{"n_embd", c.n_embd},       {"n_ff", c.n_ff},
                {"n_layer", c.n_layer},     {"n_head", c.n_head},
                {"n_head_kv", c.n_head_kv}, {"head_dim", c.head_dim},
                {"n_vocab", c.n_vocab},     {"n_ctx_train", c.n_ctx_train}};
  for (const auto& f : fields)
    if (f.value < 1 || f.value > kMaxDim)
      return make_error(StatusCode::kInvalidModel, source, ": ", f.name, " is ", f.value,
                        " (must be 1 to ", kMaxDim, ")");
  if (c.n_head % c.n_head_kv != 0)
    return make_error(StatusCode::kInvalidModel, source, ": ", c.n_head,
                      " attention heads cannot be shared by ", c.n_head_kv, " KV heads");
  if (c.latent_attention()) ODIN_RETURN_IF_ERROR(check_latent_config(c, source));
  const int64_t rotated = c.latent_attention() ? c.rope_dim : c.head_dim;
  if (rotated % 2 != 0)
    return make_error(StatusCode::kInvalidModel, source, ": ",
                      c.latent_attention() ? "RoPE dims " : "head_dim ", rotated,
                      " is odd (RoPE rotates pairs of values)");
  if (c.n_head * c.head_dim > kMaxDim)
    return make_error(StatusCode::kInvalidModel, source, ": ", c.n_head, " heads of ", c.head_dim,
                      " are too wide");
  if (!llm_architecture_supported(c.architecture))
    return make_error(StatusCode::kUnsupported, source, ": architecture '", c.architecture,
                      "' is not supported (", kLlmArchitectures, ")");
  if (!(c.rms_norm_eps > 0.0f) || !(c.rope_freq_base > 0.0f) ||
      c.rope_freq_base == std::numeric_limits<float>::infinity())
    return make_error(StatusCode::kInvalidModel, source, ": RMS norm epsilon ", c.rms_norm_eps,
                      " or RoPE base ", c.rope_freq_base, " is not a positive number");
  return Status();
}

int64_t LlmTensor::num_elements() const {
  int64_t n = 1;
  for (int64_t d : dims) n *= d;
  return n;
}

const LlmTensor* LlmWeights::find(const std::string& name) const {
  for (const LlmTensor& t : tensors)
    if (t.name == name) return &t;
  return nullptr;
}

namespace {

// A plm layer (llama.cpp's names and shapes): Q of n_head heads, the latent
// and the shared RoPE key from one matrix, the latent's norm, K-without-RoPE
// and V of every head from the latent, and a squared-ReLU FFN (no gate).
void add_latent_layer(const LlmConfig& c, const std::string& b, std::vector<ExpectedTensor>& out) {
  const int64_t nope = c.head_dim - c.rope_dim;
  out.push_back({b + "attn_norm.weight", {c.n_embd}, true});
  out.push_back({b + "attn_q.weight", {c.n_embd, c.n_head * c.head_dim}});
  out.push_back({b + "attn_kv_a_mqa.weight", {c.n_embd, c.kv_lora_rank + c.rope_dim}});
  out.push_back({b + "attn_kv_a_norm.weight", {c.kv_lora_rank}, true});
  out.push_back({b + "attn_kv_b.weight", {c.kv_lora_rank, c.n_head * (nope + c.head_dim_v)}});
  out.push_back({b + "attn_output.weight", {c.n_head * c.head_dim_v, c.n_embd}});
  out.push_back({b + "ffn_norm.weight", {c.n_embd}, true});
  out.push_back({b + "ffn_down.weight", {c.n_ff, c.n_embd}});
  out.push_back({b + "ffn_up.weight", {c.n_embd, c.n_ff}});
}

}  // namespace

std::vector<ExpectedTensor> expected_llm_tensors(const LlmConfig& c) {
  const int64_t q = c.n_head * c.head_dim, kv = c.n_head_kv * c.head_dim;
  std::vector<ExpectedTensor> out = {{"token_embd.weight", {c.n_embd, c.n_vocab}},
                                     {"output_norm.weight", {c.n_embd}, true}};
  if (!c.tied_output) out.push_back({"output.weight", {c.n_embd, c.n_vocab}});
  for (int64_t i = 0; i < c.n_layer; ++i) {
    const std::string b = "blk." + std::to_string(i) + ".";
    if (c.latent_attention()) {
      add_latent_layer(c, b, out);
      continue;
    }
    out.push_back({b + "attn_norm.weight", {c.n_embd}, true});
    out.push_back({b + "attn_q.weight", {c.n_embd, q}});
    out.push_back({b + "attn_k.weight", {c.n_embd, kv}});
    out.push_back({b + "attn_v.weight", {c.n_embd, kv}});
    if (c.qkv_bias) {
      out.push_back({b + "attn_q.bias", {q}, true});
      out.push_back({b + "attn_k.bias", {kv}, true});
      out.push_back({b + "attn_v.bias", {kv}, true});
    }
    if (c.qk_norm) {  // one weight shared by every head
      out.push_back({b + "attn_q_norm.weight", {c.head_dim}, true});
      out.push_back({b + "attn_k_norm.weight", {c.head_dim}, true});
    }
    out.push_back({b + "attn_output.weight", {q, c.n_embd}});
    out.push_back({b + "ffn_norm.weight", {c.n_embd}, true});
    out.push_back({b + "ffn_gate.weight", {c.n_embd, c.n_ff}});
    out.push_back({b + "ffn_up.weight", {c.n_embd, c.n_ff}});
    out.push_back({b + "ffn_down.weight", {c.n_ff, c.n_embd}});
  }
  return out;
}

Status check_llm_layer_count(const LlmConfig& config, size_t num_tensors,
                             const std::string& source) {
  if (static_cast<uint64_t>(config.n_layer) > num_tensors)
    return make_error(StatusCode::kInvalidModel, source, ": ", config.n_layer,
                      " layers, but the file has only ", num_tensors, " tensors");
  return Status();
}

Status validate_llm_weights(const LlmWeights& w, const std::string& source) {
  ODIN_RETURN_IF_ERROR(check_llm_config(w.config, source));
  ODIN_RETURN_IF_ERROR(check_llm_layer_count(w.config, w.tensors.size(), source));
  std::unordered_set<std::string> names;
  for (const LlmTensor& t : w.tensors)
    if (!names.insert(t.name).second)
      return make_error(StatusCode::kInvalidModel, source, ": tensor '", t.name, "' appears twice");
  for (const ExpectedTensor& e : expected_llm_tensors(w.config)) {
    const LlmTensor* t = w.find(e.name);
    if (!t)
      return make_error(StatusCode::kInvalidModel, source, ": tensor '", e.name, "' is missing (",
                        w.config.architecture, " with ", w.config.n_layer, " layers needs it)");
    if (t->dims != e.dims)
      return make_error(StatusCode::kInvalidModel, source, ": tensor '", e.name, "' is ",
                        dims_string(t->dims), ", the model's hyperparameters need ",
                        dims_string(e.dims));
    if (e.vector && t->format != BlockFormat::kF32)
      return make_error(StatusCode::kUnsupported, source, ": tensor '", e.name, "' is ",
                        block_format_info(t->format).name, "; norms and biases must be F32");
    const int64_t row = block_row_bytes(t->format, e.dims[0]);
    const int64_t rows = e.dims.size() > 1 ? e.dims[1] : 1;
    if (row < 0 || static_cast<uint64_t>(row * rows) != t->data.size())
      return make_error(StatusCode::kInvalidModel, source, ": tensor '", e.name, "' holds ",
                        t->data.size(), " bytes, ", block_format_info(t->format).name, " ",
                        dims_string(e.dims), " needs ", row < 0 ? -1 : row * rows);
  }
  return Status();
}

}  // namespace odin
