// A small model as the drafter: it runs ahead of the target one token at a
// time in a context of its own, which keeps the prefix it shares with the
// target's sequence (between steps and between chat turns) and forgets the
// rest, as the target does.
#pragma once

#include "llm/drafter.h"
#include "llm/llm_context.h"
#include "llm/sampler.h"

namespace odin {

// An error unless `draft` can draft for `target`: the same vocabulary (size
// and, where both files have one, pieces).
Status check_draft_model(const LlmModel& target, const LlmModel& draft);

class DraftModelDrafter : public Drafter {
 public:
  // `context` must outlive the drafter. Greedy drafts (temperature 0) take
  // the draft's argmax; sampled ones draw from the draft's distribution
  // under `sampler` and keep it.
  DraftModelDrafter(LlmContext& context, const SamplerOptions& sampler)
      : context_(context), sampler_(sampler) {}
  Result<DraftTokens> propose(std::span<const int32_t> history, int32_t max) override;

 private:
  LlmContext& context_;
  Sampler sampler_;
  std::vector<int32_t> seen_;
};

}  // namespace odin
