// A drafter guesses the tokens that follow a sequence, cheaply, for
// speculative decoding (llm/speculative.h): the target model then checks the
// guesses in one run. Guesses cost nothing when wrong but time.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "core/status.h"

namespace odin {

struct DraftTokens {
  std::vector<int32_t> ids;
  // Per id, the drafter's probability of each vocabulary entry it was drawn
  // from (n_vocab floats each), for sampled verification; empty when the
  // ids were not drawn (greedy drafts, lookups: then each id counts as
  // certain).
  std::vector<std::vector<float>> probs;
};

// What speculation did over one generation.
struct SpeculativeStats {
  int64_t drafted = 0;   // guesses checked
  int64_t accepted = 0;  // guesses the target kept
  int64_t target_runs = 0;
  double acceptance() const {
    return drafted > 0 ? static_cast<double>(accepted) / static_cast<double>(drafted) : 0.0;
  }
};

class Drafter {
 public:
  virtual ~Drafter() = default;
  // Up to `max` ids guessed to follow `history` (the whole sequence: what
  // the target's context holds and the token it has not seen yet).
  virtual Result<DraftTokens> propose(std::span<const int32_t> history, int32_t max) = 0;
};

}  // namespace odin
