// Small LLM files for odin's tests, written at test time by a deterministic
// writer: the same spec name gives the same bytes on any machine, and
// llama.cpp's greedy outputs on exactly those bytes are committed as goldens
// (tests/data/llm/golden/, whose README says how they were made; each golden
// records the SHA-256 of the file it was made from).
//
// Weights: a counter-based hash of (tensor name, element index), roughly
// normal (std 0.02; norm weights 1 +- 0.02, but output_norm 16 +- 0.32 so
// that the logits spread over +-20 and near ties are rare), or the trained
// stories260K
// llama2.c checkpoint (tests/data/llm/stories260K.bin). Vocabularies: copied
// from the committed vocab-only GGUF files (tests/data/vocab/), or a
// synthetic 512-piece SentencePiece one for stories260K. Everything the
// writer reads lives under the repository's tests/ folder (`tests_dir`).
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdio>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "llm/llm_context.h"
#include "quant/block_quant.h"

namespace odin::test {

enum class LlmTestWeights { kRandom, kStories260K };
enum class LlmTestVocab {
  kLlamaSpm,      // data/vocab/ggml-vocab-llama-spm.gguf (Llama-2, 32000 pieces)
  kQwen2,         // data/vocab/ggml-vocab-qwen2.gguf (byte-level BPE, 151936)
  kSynthetic512,  // <unk> <s> </s>, <0x00>..<0xFF>, then made-up pieces
};
// How matrices are stored (norm weights and biases are always F32): one
// type for all ("pure"), or llama.cpp's Q4_K_M mix (llm_test_tensor_format).
enum class LlmTestMix { kF32, kF16, kQ8_0, kQ4_0, kQ4_K_M };

struct LlmTestModelSpec {
  const char* name;          // "llama-q8_0": the CLI's and the golden's name
  const char* architecture;  // general.architecture: "llama", "qwen2", "qwen3" or "plm"
  LlmTestWeights weights;
  LlmTestVocab vocab;
  LlmTestMix mix;
  // The shape of random models (stories260K takes its shape from the
  // checkpoint; these are then 0).
  int64_t n_embd = 0, n_layer = 0, n_head = 0, n_head_kv = 0, n_ff = 0, n_ctx = 0;
  int64_t head_dim = 0;  // 0: n_embd / n_head
  // plm's latent attention (0 elsewhere): the latent's rank, the RoPE part
  // of each Q/K head, the V heads' size.
  int64_t kv_lora_rank = 0, rope_dim = 0, head_dim_v = 0;
  float rope_freq_base = 10000.0f, rms_norm_eps = 1e-5f;
  bool tied_output = false;
};

// Every spec, in a fixed order.
const std::vector<LlmTestModelSpec>& llm_test_model_specs();
// Null for an unknown name.
const LlmTestModelSpec* find_llm_test_model_spec(std::string_view name);

// The format the writer stores `tensor` in; `n_layer` is the model's. The
// Q4_K_M mix follows llama.cpp's quantizer (src/llama-quant.cpp,
// llama_tensor_get_type_impl, build 5b4ebc5): Q4_K, but Q6_K for
// output.weight and for attn_v / ffn_down of the layers where
// use_more_bits(i, n) = i < n/8 || i >= 7n/8 || (i - n/8) % 3 == 2.
BlockFormat llm_test_tensor_format(const LlmTestModelSpec& spec, std::string_view tensor,
                                   int64_t n_layer);

// The GGUF file of spec `name` in memory. `tests_dir`: the repository's
// tests/ folder (vocabularies and the stories260K checkpoint are read from
// it). `first_layers` > 0 keeps only that many layers, every other tensor
// unchanged: a draft model for speculative decoding.
Result<std::vector<uint8_t>> build_llm_test_model(std::string_view name,
                                                  const std::string& tests_dir,
                                                  int64_t first_layers = 0);
// The same, written to `path` (replaced when it exists).
Status write_llm_test_model(std::string_view name, const std::string& tests_dir,
                            const std::string& path, int64_t first_layers = 0);

// The same, written to a file of its own in the temporary folder; returns
// its path (the caller removes it).
Result<std::string> write_temp_llm_test_model(std::string_view name, const std::string& tests_dir,
                                              int64_t first_layers = 0);

// SHA-256 (FIPS 180-4) as 64 lowercase hex digits, as sha256sum prints it.
std::string sha256_hex(std::span<const uint8_t> bytes);

// Spec `name` written to a temporary file and opened with `options` (the
// file is removed at once: the mapping keeps its bytes); null, with the
// failure reported to the running test.
inline std::unique_ptr<LlmModel> open_llm_test_model(std::string_view name,
                                                     const std::string& tests_dir,
                                                     const LlmGraphOptions& options = {}) {
  auto path = write_temp_llm_test_model(name, tests_dir);
  EXPECT_TRUE(path.ok()) << path.status().message();
  if (!path.ok()) return nullptr;
  auto m = LlmModel::open(*path, options);
  std::remove(path->c_str());
  EXPECT_TRUE(m.ok()) << m.status().message();
  return m.ok() ? std::move(m).value() : nullptr;
}

// A context of `m` on `backends` (reference kernels when !optimize); null,
// with the failure reported to the running test.
inline std::unique_ptr<LlmContext> context_on(const LlmModel& m, std::vector<std::string> backends,
                                              bool optimize = true) {
  SessionOptions o;
  o.backends = std::move(backends);
  o.optimize = optimize;
  auto c = LlmContext::create(m, o);
  EXPECT_TRUE(c.ok()) << c.status().message();
  return c.ok() ? std::move(c).value() : nullptr;
}

// A context of `m` on the CPU backend with `threads` threads; null, with
// the failure reported to the running test, when it cannot be created.
inline std::unique_ptr<LlmContext> context_of(const LlmModel& m, int threads = 1) {
  SessionOptions options;
  options.backends = {"cpu"};
  options.num_threads = threads;
  auto c = LlmContext::create(m, options);
  EXPECT_TRUE(c.ok()) << c.status().message();
  return c.ok() ? std::move(c).value() : nullptr;
}

}  // namespace odin::test
