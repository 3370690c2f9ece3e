#include "llm/speculation_budget.h"

#include <algorithm>

namespace odin {
namespace {

size_t f32_bytes(int64_t n) {
  return static_cast<size_t>(std::max<int64_t>(n, 0)) * 4;
}

}  // namespace

size_t llm_activation_bytes(const LlmConfig& c, int64_t batch, int64_t logit_rows) {
  const int64_t q = c.n_head * c.head_dim, kv = c.n_head_kv * c.head_dim;
  // Live at the peak (as the planner's arena grows with the batch): the
  // residual, the normed input and the wider of the attention block (q, k,
  // v, its output) and the feed-forward block (gate, up; SWIGLU in place).
  const int64_t per_token = 2 * c.n_embd + std::max(2 * q + 2 * kv, 2 * c.n_ff);
  // Per logit row: the logits and the classifier's scratch (5 rows of
  // n_vocab floats in the planner's arena).
  return f32_bytes(batch * per_token) + f32_bytes(logit_rows * 5 * c.n_vocab);
}

size_t llm_kv_bytes(const LlmConfig& c, int64_t n_ctx, size_t elem_bytes) {
  return static_cast<size_t>(2 * c.n_layer * c.n_head_kv * n_ctx * c.head_dim) * elem_bytes;
}

SpeculationFootprint speculation_footprint(const SpeculationShapes& s, DraftSource source,
                                           int32_t draft_max, int64_t draft_batch) {
  SpeculationFootprint f;
  if (source == DraftSource::kNone) return f;
  // The target's logits and hidden rows beyond the one it always has.
  f.verify = f32_bytes(int64_t{draft_max} * (s.target->n_vocab + 2 * s.target->n_embd));
  if (source == DraftSource::kDraftModel && s.draft) {
    f.draft_weights = s.draft_weight_bytes;
    f.draft_kv = llm_kv_bytes(*s.draft, s.n_ctx, s.kv_elem_bytes);
    f.draft_activations = llm_activation_bytes(*s.draft, draft_batch, 1);
  }
  return f;
}

SpeculationPlan plan_speculation(const SpeculationShapes& s, int32_t draft_max, size_t budget) {
  const auto fits = [&](const SpeculationFootprint& f) {
    return budget == 0 || f.total() <= budget;
  };
  SpeculationPlan plan;
  if (s.draft) {
    for (int32_t k = draft_max; k >= 1; --k) {
      for (int64_t batch : {s.batch, int64_t{64}, int64_t{16}, int64_t{4}}) {
        batch = std::min(batch, s.batch);
        const SpeculationFootprint f = speculation_footprint(s, DraftSource::kDraftModel, k, batch);
        if (fits(f)) return {DraftSource::kDraftModel, k, batch, f};
      }
    }
  }
  for (int32_t k = draft_max; k >= 1; --k) {
    const SpeculationFootprint f = speculation_footprint(s, DraftSource::kPromptLookup, k, 0);
    if (fits(f)) return {DraftSource::kPromptLookup, k, 0, f};
  }
  return plan;
}

}  // namespace odin
