// Speculative decoding: a drafter (a small model, or prompt lookup) guesses
// up to draft_max tokens, the target evaluates its pending token and all
// the guesses in one run of its graph (a batch of positions, as a prompt
// chunk is, with logits for each row) and keeps the guesses it would have
// produced itself. Greedy output is the target's own; sampled output keeps
// the target's distribution (the rejection scheme, verify_sampled_guess);
// each run yields at least one token. Rejected guesses leave rows in the KV cache past the
// kept prefix, which the next run overwrites (LlmContext::truncate).
#pragma once

#include "llm/drafter.h"
#include "llm/llm_context.h"

namespace odin {

// Speculative sampling's step (Leviathan et al., Chen et al., 2023): a
// guess drawn from q stands with probability min(1, p / q) at it, else a
// token is drawn from max(0, p - q) renormalized; the result is
// distributed as p whatever q is. `q` empty: the guess was certain.
// Random numbers come from `rng`; `scratch` holds the residual.
struct SampledVerdict {
  int32_t id;
  bool kept;
};
SampledVerdict verify_sampled_guess(std::span<const float> p, std::span<const float> q,
                                    int32_t guess, Sampler& rng, std::vector<float>& scratch);

// generate() with guesses from options.drafter, at most options.draft_max
// per target run (capped by the target graph's max_logit_rows - 1). The
// target's graph must give several logit rows (max_logit_rows >= 2).
// generate() comes here when options.drafter is set.
Result<GenerateResult> generate_speculative(LlmContext& target, std::span<const int32_t> prompt,
                                            const GenerateOptions& options);

}  // namespace odin
