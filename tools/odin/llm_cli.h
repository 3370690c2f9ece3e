// What the LLM verbs (generate, chat, bench-llm) share: model and context
// options, loading with progress, prompt tokenization and streaming text.
#pragma once

#include <CLI/CLI.hpp>
#include <memory>
#include <string>
#include <vector>

#include "llm/llm_context.h"
#include "llm/speculation_setup.h"
#include "llm/text_stream.h"

namespace odin::cli {

struct LlmCliArgs {
  std::string model;
  int threads = 0;  // 0: every core
  int64_t ctx = 0;  // 0: the model's, at most 4096
  int64_t batch = 512;
  int64_t ubatch = 0;  // prompt runs of at most this many tokens, yielding between (0: batch)
  std::string kv_type = "f16";
  SamplerOptions sampler;
  bool seed_given = false;
  bool no_repack = false;
  bool profile = false;  // per-node times of each run (SessionOptions::profile)
  std::string backends =
      "cpu";                   // --backend: preference list, e.g. vulkan,cpu, or a split vulkan+cpu
  double device_share = -1.0;  // --device-share: a split's device share (below 0: measured)
  // Speculative decoding: a draft model, or prompt lookup, at most
  // draft_max guesses per target run, within max_memory extra bytes.
  std::string draft;
  bool lookup = false;
  int32_t draft_max = 4;
  int64_t max_memory = 0;  // 0: no limit
  bool speculative() const { return !draft.empty() || lookup; }
};

// MODEL and the context options; `sampling` adds the sampler's, `threads`
// -t (a verb may take its own thread option instead).
void add_llm_options(CLI::App* cmd, LlmCliArgs& args, bool sampling = true, bool threads = true);
int resolved_threads(const LlmCliArgs& args);
// --draft, --draft-max, --lookup, --max-memory.
void add_speculation_options(CLI::App* cmd, LlmCliArgs& args);

// Opens the model (a progress line on stderr for large files).
Result<std::unique_ptr<LlmModel>> open_llm_model(const LlmCliArgs& args);
Result<std::unique_ptr<LlmContext>> make_llm_context(const LlmModel& model, const LlmCliArgs& args);

// The target and the draft --draft / --lookup ask for, planned within
// --max-memory (llm/speculation_setup.h), with the progress line.
Result<SpeculativeModels> open_llm_models(const LlmCliArgs& args);
// The drafter of `models`' plan, over a draft context of its own.
struct Speculation {
  std::unique_ptr<LlmContext> draft_context;
  std::unique_ptr<Drafter> drafter;
  SpeculationPlan plan;
  // Sets the drafter of `options` (none when the plan has none).
  void apply(GenerateOptions& options) const;
};
Result<Speculation> make_speculation(const SpeculativeModels& models, const LlmCliArgs& args);

// `text`'s ids with the model's tokenizer, BOS first when `bos` and the
// vocabulary asks for it; an error when the file has no vocabulary.
Result<std::vector<int32_t>> tokenize_prompt(const LlmModel& model, const std::string& text,
                                             bool bos);

// odin::TextStream over a model's tokenizer; ids print as numbers when the
// file has no vocabulary.
class TextStream : public odin::TextStream {
 public:
  explicit TextStream(const LlmModel& model) : odin::TextStream(model.tokenizer.get()) {}
};

}  // namespace odin::cli
