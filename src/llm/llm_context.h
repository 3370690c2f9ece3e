// A loaded LLM (its file, graph and tokenizer; shared and immutable) and a
// context over it: one Session whose KV cache holds the tokens so far, fed
// in chunks of at most the graph's batch, giving the last token's logits.
// Generation (generate()) is a loop of eval and a sampler over a context.
#pragma once

#include <algorithm>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "format/llm/llm_file.h"
#include "llm/drafter.h"
#include "llm/llm_graph.h"
#include "llm/sampler.h"
#include "runtime/session.h"
#include "text/tokenizer.h"

namespace odin {

struct LlmModel {
  std::unique_ptr<LlmFile> file;
  Graph graph;
  LlmGraphInfo info;
  std::unique_ptr<Tokenizer> tokenizer;  // null when the file has no vocabulary
  bool graph_from_file = false;          // the .odin file's stored graph, not built here
  // Weights the backends repacked, shared by the model's contexts: each
  // matrix is packed by the first context and held once.
  std::shared_ptr<SharedWeights> shared_weights = std::make_shared<SharedWeights>();

  // A .odin file's stored graph is used when it was built for the same
  // options (n_ctx 0 means the file's context; max_batch is capped by it);
  // otherwise, and for other formats, the graph is built from the weights.
  // With `share_with` (a draft's target, which must outlive this model):
  // each tensor byte for byte the same as the target's of its name (a draft
  // cut from the target keeps its embeddings and head) is read from the
  // target's file and its packing reused, so it is in memory once;
  // `shared_weight_bytes` says how much.
  static Result<std::unique_ptr<LlmModel>> open(const std::string& path,
                                                const LlmGraphOptions& options,
                                                const LlmModel* share_with = nullptr);
  size_t shared_weight_bytes = 0;
};

class LlmContext {
 public:
  // `model` must outlive the context.
  static Result<std::unique_ptr<LlmContext>> create(const LlmModel& model,
                                                    const SessionOptions& options);

  // Appends `tokens` at positions position().. and returns the logits after
  // the last `rows` of them, row after row of n_vocab (valid until the next
  // eval; rows > 1 needs a graph built with max_logit_rows). Fails, keeping
  // the context as it was, when they would not fit in the context or an id
  // is outside the vocabulary.
  Result<std::span<const float>> eval(std::span<const int32_t> tokens, int64_t rows = 1);
  // Tokens in the KV cache, and their ids.
  int64_t position() const { return pos_; }
  std::span<const int32_t> tokens() const { return tokens_; }
  // Forgets tokens past `n` (0: all): the next eval continues from there,
  // reusing the cached prefix. The rows past it stay allocated and are
  // overwritten by the next eval, so forgetting costs no memory.
  void truncate(int64_t n) {
    pos_ = std::clamp<int64_t>(n, 0, pos_);
    tokens_.resize(static_cast<size_t>(pos_));
  }
  const LlmModel& model() const { return model_; }
  const Session& session() const { return *session_; }

 private:
  LlmContext(const LlmModel& model, std::unique_ptr<Session> session)
      : model_(model), session_(std::move(session)) {}
  const LlmModel& model_;
  std::unique_ptr<Session> session_;
  int64_t pos_ = 0;
  std::vector<int32_t> tokens_;
  std::vector<int32_t> positions_;
  std::vector<int32_t> logit_rows_;
};

struct GenerateOptions {
  int32_t max_tokens = 128;
  SamplerOptions sampler;
  std::vector<int32_t> stop_ids;  // e.g. EOS: generation ends after one (it is kept)
  int32_t top_logits = 0;         // per step, record the n largest [id, logit]
  // Called with each new token; return false to stop.
  std::function<bool(int32_t id)> on_token;
  // Speculative decoding (llm/speculative.h) when set: up to draft_max
  // guesses of the drafter checked per run of the target.
  Drafter* drafter = nullptr;
  int32_t draft_max = 4;
  // The prompt in runs of at most `ubatch` tokens (0: the graph's
  // max_batch), with on_prefill(done, total) called between runs: a long
  // prompt then hands the caller control every ubatch tokens (to decode a
  // token of another context, to serve a UI thread) instead of only once
  // it is done. The logits are the same bits for every ubatch (the CPU
  // kernels are batch invariant).
  int64_t ubatch = 0;
  std::function<void(int64_t done, int64_t total)> on_prefill;
};

struct GenerateResult {
  std::vector<int32_t> ids;                                 // generated, in order
  std::vector<std::vector<std::pair<int32_t, float>>> top;  // per step, when asked
  double prompt_ms = 0.0;                                   // evaluating the prompt
  double generate_ms = 0.0;  // the generated tokens (sampling and decoding)
  SpeculativeStats speculation;
};

// Appends `prompt` to `context` as generate does (options.ubatch and
// on_prefill) and returns the logits after its last token; *eval_ms: the
// time spent evaluating, on_prefill's excluded. On failure the context
// holds what it held before.
Result<std::span<const float>> eval_prompt(LlmContext& context, std::span<const int32_t> prompt,
                                           const GenerateOptions& options,
                                           double* eval_ms = nullptr);

// Feeds `prompt` (appended to what the context holds) and generates.
Result<GenerateResult> generate(LlmContext& context, std::span<const int32_t> prompt,
                                const GenerateOptions& options);

// The n largest logits as [id, logit], largest first (lower id on a tie).
std::vector<std::pair<int32_t, float>> top_logits(std::span<const float> logits, int32_t n);

}  // namespace odin
