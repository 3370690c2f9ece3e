// Picking the next token from logits: greedy, or sampling with
// temperature, top-k, top-p (nucleus), min-p and a repetition penalty, from
// a seeded generator so a run can be repeated exactly.
#pragma once

#include <cstdint>
#include <random>
#include <span>
#include <vector>

#include "core/status.h"

namespace odin {

struct SamplerOptions {
  float temperature = 0.0f;     // 0: greedy (argmax; the lowest id on a tie)
  int32_t top_k = 40;           // 0: all tokens
  float top_p = 0.95f;          // 1: off
  float min_p = 0.05f;          // 0: off; drops tokens below min_p x the best's probability
  float repeat_penalty = 1.0f;  // 1: off; > 1 makes recent tokens less likely
  int32_t repeat_last_n = 64;   // how many recent tokens the penalty sees
  uint64_t seed = 0;
};

// Checks ranges (temperature >= 0, top_p in (0, 1], ...), naming the option
// by its field's name (the C API's and the Python package's).
Status check_sampler_options(const SamplerOptions& options);

class Sampler {
 public:
  explicit Sampler(const SamplerOptions& options);
  // The next token given `logits` (one per vocabulary entry) and the ids so
  // far (for the repetition penalty).
  int32_t sample(std::span<const float> logits, std::span<const int32_t> history);
  // The distribution sample() draws from, one probability per vocabulary
  // entry (greedy: 1 for the argmax), valid until the next call.
  std::span<const float> probabilities(std::span<const float> logits,
                                       std::span<const int32_t> history);
  // From the same generator: a uniform number in [0, 1), and an index drawn
  // in proportion to `weights` (>= 0, not all 0).
  double uniform();
  int32_t draw(std::span<const float> weights);

 private:
  // The penalized logits in adjusted_; when sampling (temperature > 0),
  // the kept candidates with their probabilities (not renormalized) in
  // candidates_. False when greedy.
  bool keep_candidates(std::span<const float> logits, std::span<const int32_t> history);
  SamplerOptions options_;
  std::mt19937_64 rng_;
  std::vector<float> adjusted_;
  std::vector<std::pair<float, int32_t>> candidates_;
  std::vector<float> probs_;
};

// Index of the largest logit (the lowest index on a tie).
int32_t argmax(std::span<const float> logits);

}  // namespace odin
