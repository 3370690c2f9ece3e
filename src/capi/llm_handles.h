// The C API's LLM handles and its reading of generation parameters, for
// the C API's LLM calls and the Python package, whose LLM.chat runs the llm
// library's chat (llm/chat.h) on a handle's context.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/status.h"
#include "llm/llm_context.h"
#include "llm/speculation_setup.h"
#include "odin/odin.h"

struct odin_llm_model {
  std::shared_ptr<const odin::LlmModel> model;
  std::shared_ptr<const odin::LlmModel> draft;  // speculative decoding's, or null
  odin::SpeculationPlan plan;
  int n_threads = 1;  // resolved: contexts' CPU threads
  bool vocab_only = false;
  std::vector<std::string> backends = {"cpu"};  // the contexts' (a split: device, host)
};

struct odin_llm_context {
  // Declared before the context, so it outlives it (LlmContext keeps a
  // reference to the model).
  std::shared_ptr<const odin::LlmModel> model;
  std::shared_ptr<const odin::LlmModel> draft;
  std::unique_ptr<odin::LlmContext> context;
  std::unique_ptr<odin::LlmContext> draft_context;
  std::unique_ptr<odin::Drafter> drafter;  // over draft_context, or prompt lookup
  odin::SpeculationPlan plan;
};

namespace odin::capi {

// The generation options `params` (this library's struct) ask for;
// INVALID_ARGUMENT for a value out of range.
Result<GenerateOptions> generate_options(const odin_llm_generate_params& params);

}  // namespace odin::capi
