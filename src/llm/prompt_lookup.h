// Draft-free speculation (prompt lookup): the tokens that followed the
// latest earlier occurrence of the sequence's last n-gram are guessed to
// follow again. Costs no model and no memory; pays off where the output
// repeats its input (code edits, quotes, summaries, loops).
#pragma once

#include "llm/drafter.h"

namespace odin {

class PromptLookupDrafter : public Drafter {
 public:
  // Tries n-grams of max_ngram tokens down to min_ngram.
  explicit PromptLookupDrafter(int32_t max_ngram = 3, int32_t min_ngram = 1)
      : max_ngram_(max_ngram), min_ngram_(min_ngram) {}
  Result<DraftTokens> propose(std::span<const int32_t> history, int32_t max) override;

 private:
  int32_t max_ngram_, min_ngram_;
};

}  // namespace odin
