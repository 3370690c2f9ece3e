// How far a model's next-token distributions are from a base model's (a
// quantized model against its float original): both read the same tokens,
// the base model's greedy continuation of a prompt, and at every position
// the KL divergence KL(P_base || P_model) of their softmaxed logits is taken
// (the measure llama.cpp's perplexity --kl-divergence reports).
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "llm/llm_context.h"

namespace odin {

struct NextTokenKl {
  std::vector<double> kl;        // per position, in nats
  double mean = 0.0, max = 0.0;  // over the positions
  double top1_agreement = 0.0;   // share of positions whose argmax agree
  std::vector<int32_t> tokens;   // the prompt, then the base model's greedy tokens
};

// KL(p || q) in nats of softmax(base) and softmax(model) (same length).
double softmax_kl(std::span<const float> base, std::span<const float> model);

// Both contexts must be empty and over models of one vocabulary. Positions
// start at the prompt's last token (the first prediction); `positions`
// predictions are compared, the context must hold prompt + positions - 1.
Result<NextTokenKl> next_token_kl(LlmContext& base, LlmContext& model,
                                  std::span<const int32_t> prompt, int64_t positions);

}  // namespace odin
