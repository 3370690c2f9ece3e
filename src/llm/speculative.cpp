#include "llm/speculative.h"

#include <algorithm>
#include <chrono>

namespace odin {
namespace {

double ms_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace

SampledVerdict verify_sampled_guess(std::span<const float> p, std::span<const float> q,
                                    int32_t guess, Sampler& rng, std::vector<float>& scratch) {
  const auto x = static_cast<size_t>(guess);
  const float qx = q.empty() ? 1.0f : q[x];
  if (qx > 0.0f && rng.uniform() * qx < p[x]) return {guess, true};
  // The residual max(0, p - q): what p has that q over-proposed away.
  scratch.assign(p.begin(), p.end());
  float mass = 0.0f;
  for (size_t i = 0; i < scratch.size(); ++i) {
    scratch[i] = std::max(0.0f, scratch[i] - (q.empty() ? (i == x ? 1.0f : 0.0f) : q[i]));
    mass += scratch[i];
  }
  // p == q up to rounding: nothing to correct, p itself.
  if (!(mass > 0.0f)) return {rng.draw(p), false};
  return {rng.draw(scratch), false};
}

Result<GenerateResult> generate_speculative(LlmContext& target, std::span<const int32_t> prompt,
                                            const GenerateOptions& options) {
  ODIN_RETURN_IF_ERROR(check_sampler_options(options.sampler));
  if (!options.drafter) return make_error(StatusCode::kInvalidArgument, "no drafter");
  Drafter& drafter = *options.drafter;
  int32_t draft_max = options.draft_max;
  const LlmGraphInfo& info = target.model().info;
  if (info.max_logit_rows < 2)
    return make_error(StatusCode::kInvalidArgument,
                      "speculative decoding needs a target graph with several logit rows "
                      "(LlmGraphOptions::max_logit_rows >= 2)");
  if (draft_max < 1)
    return make_error(StatusCode::kInvalidArgument, "draft length ", draft_max, " (>= 1 expected)");
  draft_max = static_cast<int32_t>(std::min<int64_t>(draft_max, info.max_logit_rows - 1));
  GenerateResult result;
  SpeculativeStats& st = result.speculation;
  Sampler sampler(options.sampler);
  ODIN_ASSIGN_OR_RETURN(std::span<const float> logits,
                        eval_prompt(target, prompt, options, &result.prompt_ms));
  // The sequence: what the target holds, then the newest token it has not
  // seen (`history.back()` once a token is out).
  std::vector<int32_t> history(target.tokens().begin(), target.tokens().end());
  const auto t0 = std::chrono::steady_clock::now();

  // Greedy, or sampling where guesses are drawn (the draft model's): the
  // rejection scheme. Else (prompt lookup's certain guesses, when
  // sampling) the target draws its own token and a guess stands when
  // equal, which is the rejection scheme for a certain guess too.
  const bool rejection = options.sampler.temperature > 0.0f;
  std::vector<float> residual;
  // The token the target takes from `row` where `guess` (-1: none) was
  // proposed with probabilities `q` (empty: certain).
  auto pick = [&](std::span<const float> row, int32_t guess, std::span<const float> q) {
    if (!rejection || guess < 0 || q.empty()) return sampler.sample(row, history);
    const SampledVerdict v =
        verify_sampled_guess(sampler.probabilities(row, history), q, guess, sampler, residual);
    return v.id;
  };
  // Takes the target's token from `row`; false when generation ends.
  auto emit = [&](std::span<const float> row, int32_t* id, int32_t guess = -1,
                  std::span<const float> q = {}) {
    if (options.top_logits > 0) result.top.push_back(top_logits(row, options.top_logits));
    *id = pick(row, guess, q);
    result.ids.push_back(*id);
    history.push_back(*id);
    const bool stop =
        std::find(options.stop_ids.begin(), options.stop_ids.end(), *id) != options.stop_ids.end();
    if (options.on_token && !options.on_token(*id)) return false;
    return !stop && static_cast<int32_t>(result.ids.size()) < options.max_tokens;
  };
  int32_t id = 0;
  bool more = options.max_tokens > 0 && emit(logits, &id);
  std::vector<int32_t> batch;
  while (more) {
    // Guesses beyond max_tokens or the context would be wasted.
    const int64_t left = options.max_tokens - static_cast<int64_t>(result.ids.size());
    const int64_t room = info.n_ctx - target.position() - 1;
    const auto max = static_cast<int32_t>(std::min<int64_t>({draft_max, left - 1, room}));
    DraftTokens draft;
    if (max > 0) {
      ODIN_ASSIGN_OR_RETURN(draft, drafter.propose(history, max));
      if (static_cast<int32_t>(draft.ids.size()) > max) draft.ids.resize(static_cast<size_t>(max));
    }
    batch.assign(1, history.back());
    batch.insert(batch.end(), draft.ids.begin(), draft.ids.end());
    const int64_t base = target.position();
    const auto rows = static_cast<int64_t>(batch.size());
    ODIN_ASSIGN_OR_RETURN(logits, target.eval(batch, rows));
    ++st.target_runs;
    st.drafted += static_cast<int64_t>(draft.ids.size());
    const auto n_vocab = static_cast<size_t>(info.n_vocab);
    // Row i holds the logits after batch[i]: the target's pick there either
    // confirms guess i (and row i + 1 is valid) or replaces it.
    int64_t kept = 0;
    bool confirmed = false;
    for (size_t i = 0; i < batch.size(); ++i) {
      const bool guessed = i < draft.ids.size();
      more = emit(logits.subspan(i * n_vocab, n_vocab), &id, guessed ? draft.ids[i] : -1,
                  guessed && i < draft.probs.size() ? std::span<const float>(draft.probs[i])
                                                    : std::span<const float>());
      confirmed = guessed && id == draft.ids[i];
      if (confirmed) ++kept;
      if (!more || !confirmed) break;
    }
    st.accepted += kept;
    // The target keeps its pending token and the confirmed guesses but the
    // newest token, which is pending again (as after generate()).
    target.truncate(base + 1 + kept - (confirmed ? 1 : 0));
  }
  result.generate_ms = ms_since(t0);
  return result;
}

}  // namespace odin
