// Speculative decoding: a drafter (a small model, or prompt lookup) guesses
// up to draft_max tokens, the target evaluates its pending token and all
// the guesses in one run of its graph (a batch of positions, as a prompt
// chunk is, with logits for each row) and keeps the guesses it would have
// produced itself. Greedy output is the target's own; each run yields at
// least one token. Rejected guesses leave rows in the KV cache past the
// kept prefix, which the next run overwrites (LlmContext::truncate).
#pragma once

#include "llm/drafter.h"
#include "llm/llm_context.h"

namespace odin {

// generate() with guesses from options.drafter, at most options.draft_max
// per target run (capped by the target graph's max_logit_rows - 1). The
// target's graph must give several logit rows (max_logit_rows >= 2).
// generate() comes here when options.drafter is set.
Result<GenerateResult> generate_speculative(LlmContext& target, std::span<const int32_t> prompt,
                                            const GenerateOptions& options);

}  // namespace odin
