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
  // under `sampler` and keep it, from a generator seeded apart from the
  // target's (the verification's draws must not repeat the draft's).
  DraftModelDrafter(LlmContext& context, const SamplerOptions& sampler)
      : context_(context), sampler_(own_seed(sampler)), sampled_(sampler.temperature > 0.0f) {}
  Result<DraftTokens> propose(std::span<const int32_t> history, int32_t max) override;

 private:
  static SamplerOptions own_seed(SamplerOptions o) {
    o.seed = o.seed * 0x9E3779B97F4A7C15ull + 0xD1B54A32D192ED03ull;
    return o;
  }
  LlmContext& context_;
  Sampler sampler_;
  bool sampled_;
  std::vector<int32_t> seen_;
};

}  // namespace odin
