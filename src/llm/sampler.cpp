#include "llm/sampler.h"

#include <algorithm>
#include <cmath>
#include <unordered_set>

namespace odin {

Status check_sampler_options(const SamplerOptions& o) {
  auto bad = [](const char* what, float v, const char* range) {
    return make_error(StatusCode::kInvalidArgument, what, " ", v, " is out of range (", range, ")");
  };
  if (!(o.temperature >= 0.0f) || o.temperature > 100.0f)
    return bad("temperature", o.temperature, "0 to 100");
  if (o.top_k < 0) return bad("top_k", static_cast<float>(o.top_k), ">= 0");
  if (!(o.top_p > 0.0f && o.top_p <= 1.0f)) return bad("top_p", o.top_p, "over 0, at most 1");
  if (!(o.min_p >= 0.0f && o.min_p <= 1.0f)) return bad("min_p", o.min_p, "0 to 1");
  if (!(o.repeat_penalty > 0.0f) || o.repeat_penalty > 100.0f)
    return bad("repeat_penalty", o.repeat_penalty, "over 0, at most 100");
  if (o.repeat_last_n < 0) return bad("repeat_last_n", static_cast<float>(o.repeat_last_n), ">= 0");
  return Status();
}

int32_t argmax(std::span<const float> logits) {
  int32_t best = 0;
  for (size_t i = 1; i < logits.size(); ++i)
    if (logits[i] > logits[static_cast<size_t>(best)]) best = static_cast<int32_t>(i);
  return best;
}

Sampler::Sampler(const SamplerOptions& options) : options_(options), rng_(options.seed) {}

int32_t Sampler::sample(std::span<const float> logits, std::span<const int32_t> history) {
  if (!keep_candidates(logits, history)) return argmax(adjusted_);
  double total = 0.0;
  for (const auto& c : candidates_) total += c.first;
  std::uniform_real_distribution<double> uniform(0.0, total);
  double r = uniform(rng_);
  for (const auto& c : candidates_) {
    if ((r -= c.first) <= 0.0) return c.second;
  }
  return candidates_.back().second;
}

std::span<const float> Sampler::probabilities(std::span<const float> logits,
                                              std::span<const int32_t> history) {
  probs_.assign(logits.size(), 0.0f);
  if (!keep_candidates(logits, history)) {
    probs_[static_cast<size_t>(argmax(adjusted_))] = 1.0f;
    return probs_;
  }
  double total = 0.0;
  for (const auto& c : candidates_) total += c.first;
  for (const auto& c : candidates_)
    probs_[static_cast<size_t>(c.second)] = static_cast<float>(c.first / total);
  return probs_;
}

double Sampler::uniform() {
  return std::uniform_real_distribution<double>(0.0, 1.0)(rng_);
}

int32_t Sampler::draw(std::span<const float> weights) {
  double total = 0.0;
  for (float w : weights) total += w;
  double r = std::uniform_real_distribution<double>(0.0, total)(rng_);
  int32_t last = 0;
  for (size_t i = 0; i < weights.size(); ++i) {
    if (weights[i] <= 0.0f) continue;
    last = static_cast<int32_t>(i);
    if ((r -= weights[i]) <= 0.0) return last;
  }
  return last;
}

bool Sampler::keep_candidates(std::span<const float> logits, std::span<const int32_t> history) {
  adjusted_.assign(logits.begin(), logits.end());
  // Repetition penalty (as llama.cpp and CTRL apply it): a recent token's
  // positive logit is divided by the penalty, a negative one multiplied.
  if (options_.repeat_penalty != 1.0f && options_.repeat_last_n > 0) {
    const size_t n = std::min(history.size(), static_cast<size_t>(options_.repeat_last_n));
    std::unordered_set<int32_t> seen(history.end() - static_cast<std::ptrdiff_t>(n), history.end());
    for (int32_t id : seen) {
      if (id < 0 || static_cast<size_t>(id) >= adjusted_.size()) continue;
      float& l = adjusted_[static_cast<size_t>(id)];
      l = l > 0.0f ? l / options_.repeat_penalty : l * options_.repeat_penalty;
    }
  }
  if (options_.temperature == 0.0f) return false;

  candidates_.clear();
  for (size_t i = 0; i < adjusted_.size(); ++i)
    candidates_.push_back({adjusted_[i], static_cast<int32_t>(i)});
  auto by_logit = [](const auto& a, const auto& b) {
    return a.first > b.first || (a.first == b.first && a.second < b.second);
  };
  size_t keep = candidates_.size();
  if (options_.top_k > 0) keep = std::min(keep, static_cast<size_t>(options_.top_k));
  std::partial_sort(candidates_.begin(), candidates_.begin() + static_cast<std::ptrdiff_t>(keep),
                    candidates_.end(), by_logit);
  candidates_.resize(keep);
  // Probabilities at the temperature, max-shifted.
  const float max = candidates_.front().first;
  double sum = 0.0;
  for (auto& c : candidates_) sum += (c.first = std::exp((c.first - max) / options_.temperature));
  for (auto& c : candidates_) c.first = static_cast<float>(c.first / sum);
  // min-p: drop tokens far less likely than the best.
  if (options_.min_p > 0.0f) {
    const float floor = options_.min_p * candidates_.front().first;
    size_t n = 1;
    while (n < candidates_.size() && candidates_[n].first >= floor) ++n;
    candidates_.resize(n);
  }
  // top-p: the smallest prefix whose mass reaches top_p.
  if (options_.top_p < 1.0f) {
    double mass = 0.0;
    size_t n = 0;
    while (n < candidates_.size() && mass < options_.top_p) mass += candidates_[n++].first;
    candidates_.resize(std::max<size_t>(n, 1));
  }
  return true;
}

}  // namespace odin
