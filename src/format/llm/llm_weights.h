// What an LLM file holds once its container is parsed: the architecture's
// hyperparameters and its tensors by GGUF name, whatever the file was (GGUF,
// a llama2.c checkpoint, later .odin). The graph builder reads only this, so
// every format feeds the same path. Tensors point into the file's bytes
// (normally a MappedFile), which must outlive the LlmWeights.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "core/status.h"
#include "quant/block_quant.h"

namespace odin {

struct LlmConfig {
  std::string architecture;  // "llama", "qwen2", "qwen3" or "plm" (llm_architecture_supported)
  int64_t n_embd = 0;        // model width
  int64_t n_ff = 0;          // feed-forward width
  int64_t n_layer = 0;
  int64_t n_head = 0;
  int64_t n_head_kv = 0;  // grouped-query attention when < n_head
  int64_t head_dim = 0;   // may differ from n_embd / n_head (qwen3); plm: of Q and K
  int64_t n_vocab = 0;
  int64_t n_ctx_train = 0;  // context the model was trained for
  float rope_freq_base = 10000.0f;
  float rms_norm_eps = 1e-5f;
  bool tied_output = false;  // no output.weight: the embedding is the classifier
  bool qkv_bias = false;     // qwen2: biases on Q, K and V
  bool qk_norm = false;      // qwen3: RMS norm of each Q and K head before RoPE
  // plm's multi-head latent attention (0 elsewhere): K and V of every head
  // come from one compressed latent of kv_lora_rank values (attn_kv_a_mqa,
  // then attn_kv_a_norm, then attn_kv_b), and RoPE turns only the last
  // rope_dim values of each Q and K head, the K part shared by all heads.
  int64_t kv_lora_rank = 0;
  int64_t rope_dim = 0;    // of head_dim (the rest, head_dim - rope_dim, is not rotated)
  int64_t head_dim_v = 0;  // of each V head
  bool latent_attention() const { return kv_lora_rank > 0; }
};

// The architectures odin builds, and their names for messages.
inline constexpr const char* kLlmArchitectures = "llama, qwen2, qwen3, plm";
bool llm_architecture_supported(const std::string& architecture);

struct LlmTensor {
  std::string name;  // GGUF naming: token_embd.weight, blk.3.attn_q.weight, ...
  BlockFormat format = BlockFormat::kF32;
  std::vector<int64_t> dims;  // ggml order: dims[0] is the row length
  std::span<const uint8_t> data;
  int64_t num_elements() const;
};

struct LlmWeights {
  LlmConfig config;
  std::vector<LlmTensor> tensors;
  const LlmTensor* find(const std::string& name) const;
};

// Hyperparameters in range (1 to 2^24 each, heads that divide, an even head
// size, a known architecture): what must hold before any size is computed
// from them.
Status check_llm_config(const LlmConfig& config, const std::string& source);

// Every layer has tensors of its own: a file with fewer tensors than layers
// is refused before anything (the expected tensor list) is sized by a
// hostile layer count (up to 2^24).
Status check_llm_layer_count(const LlmConfig& config, size_t num_tensors,
                             const std::string& source);

// Checks that `weights` has every tensor its architecture needs, each with
// the shape the config implies and a format odin decodes (norms and biases
// F32), and no tensor twice; the error names the tensor and `source`.
Status validate_llm_weights(const LlmWeights& weights, const std::string& source);

// The tensors a llama/qwen2/qwen3/plm model of `config` needs, with their
// shapes: the one list both validation and the importers' tests use.
struct ExpectedTensor {
  std::string name;
  std::vector<int64_t> dims;
  bool vector = false;  // a norm weight or bias: must be F32
};
std::vector<ExpectedTensor> expected_llm_tensors(const LlmConfig& config);

}  // namespace odin
