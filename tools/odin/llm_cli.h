// What the LLM verbs (generate, chat, bench-llm) share: model and context
// options, loading with progress, prompt tokenization and streaming text.
#pragma once

#include <CLI/CLI.hpp>
#include <memory>
#include <string>
#include <vector>

#include "llm/llm_context.h"

namespace odin::cli {

struct LlmCliArgs {
  std::string model;
  int threads = 0;  // 0: every core
  int64_t ctx = 0;  // 0: the model's, at most 4096
  int64_t batch = 512;
  std::string kv_type = "f16";
  SamplerOptions sampler;
  bool seed_given = false;
};

// MODEL and the context/sampling options; `sampling` adds the sampler's.
void add_llm_options(CLI::App* cmd, LlmCliArgs& args, bool sampling = true);
int resolved_threads(const LlmCliArgs& args);

// Opens the model (a progress line on stderr for large files).
Result<std::unique_ptr<LlmModel>> open_llm_model(const LlmCliArgs& args);
Result<std::unique_ptr<LlmContext>> make_llm_context(const LlmModel& model, const LlmCliArgs& args);

// `text`'s ids with the model's tokenizer, BOS first when `bos` and the
// vocabulary asks for it; an error when the file has no vocabulary.
Result<std::vector<int32_t>> tokenize_prompt(const LlmModel& model, const std::string& text,
                                             bool bos);

// Text of a growing id sequence, piece by piece: next() returns what the
// new id adds, holding back an incomplete UTF-8 character until it ends.
// Without a tokenizer, ids print as numbers.
class TextStream {
 public:
  explicit TextStream(const LlmModel& model) : model_(model) {}
  std::string text_of(const std::vector<int32_t>& ids) const;
  std::string next(int32_t id);

 private:
  const LlmModel& model_;
  std::vector<int32_t> ids_;
  size_t printed_ = 0;
};

}  // namespace odin::cli
