// Opening a target for speculative decoding: its draft model (sharing the
// target's equal tensors), the plan that fits a memory budget
// (llm/speculation_budget.h), and the target's graph with as many logit
// rows as the plan checks. One place for the CLI and the C API.
#pragma once

#include <memory>
#include <string>

#include "llm/drafter.h"
#include "llm/llm_context.h"
#include "llm/speculation_budget.h"

namespace odin {

struct SpeculationRequest {
  std::string draft_path;  // empty: no draft model
  bool lookup = false;     // prompt lookup (alone, or when the draft does not fit)
  int32_t draft_max = 4;   // most guesses per target run (4: fastest measured, RESULTS)
  size_t max_memory = 0;   // most bytes speculation may add; 0: no limit
  bool active() const { return !draft_path.empty() || lookup; }
};

struct SpeculativeModels {
  std::shared_ptr<LlmModel> target;
  std::shared_ptr<LlmModel> draft;  // null unless the plan drafts with it
  SpeculationPlan plan;
};

// Opens `path` with `options` (max_logit_rows set from the plan) and, as
// `request` asks, its draft. The draft must share the target's vocabulary.
Result<SpeculativeModels> open_speculative_models(const std::string& path,
                                                  const LlmGraphOptions& options,
                                                  const SpeculationRequest& request);

// The drafter of `plan`: over `draft_context` (a context of the plan's draft
// model, outliving the drafter) or prompt lookup; null for none.
std::unique_ptr<Drafter> make_drafter(const SpeculationPlan& plan, LlmContext* draft_context,
                                      const SamplerOptions& sampler);

// "draft model, 8 guesses, draft batch 512; 48.5 MB extra (...)".
std::string describe(const SpeculationPlan& plan);

}  // namespace odin
