// The memory speculative decoding adds to the target's, from the models'
// shapes, and the plan that fits a budget: the draft model (its weights not
// shared with the target, its KV cache, its activations at its batch), the
// target's verification (logits and hidden rows for draft_max + 1
// positions). Candidate tokens take KV rows the target's cache already has
// (rows past the kept prefix are overwritten by the next run), so they add
// nothing; the target's activations for a batch of draft_max + 1 fit its
// prompt plan (its batch is larger).
#pragma once

#include <cstddef>
#include <cstdint>

#include "format/llm/llm_weights.h"

namespace odin {

struct SpeculationFootprint {
  size_t draft_weights = 0;      // the draft's bytes not shared with the target
  size_t draft_kv = 0;           // the draft's KV cache
  size_t draft_activations = 0;  // the draft's arena at its batch
  size_t verify = 0;             // the target's extra logit and hidden rows
  size_t total() const { return draft_weights + draft_kv + draft_activations + verify; }
};

enum class DraftSource { kNone, kPromptLookup, kDraftModel };

struct SpeculationPlan {
  DraftSource source = DraftSource::kNone;
  int32_t draft_max = 0;    // guesses per target run
  int64_t draft_batch = 0;  // the draft graph's batch (its prompt chunk)
  SpeculationFootprint footprint;
};

struct SpeculationShapes {
  const LlmConfig* target = nullptr;
  const LlmConfig* draft = nullptr;  // null: no draft model
  size_t draft_weight_bytes = 0;     // not shared with the target
  int64_t n_ctx = 0;                 // both caches' rows
  int64_t batch = 512;               // the most a draft graph may take per run
  size_t kv_elem_bytes = 2;          // float16 caches
};

// Arena bytes of an LLM graph's activations for `batch` tokens and
// `logit_rows` rows of logits (the memory planner reuses dead tensors: the
// peak is the residual stream, a layer's widest tensors and the logits).
size_t llm_activation_bytes(const LlmConfig& c, int64_t batch, int64_t logit_rows);
size_t llm_kv_bytes(const LlmConfig& c, int64_t n_ctx, size_t elem_bytes);

// What speculation with these choices costs.
SpeculationFootprint speculation_footprint(const SpeculationShapes& s, DraftSource source,
                                           int32_t draft_max, int64_t draft_batch);

// The fastest plan within `budget` bytes (0: no limit) of at most
// `draft_max` guesses: the draft model with its full batch, then smaller
// batches (only its prompt runs in more chunks), then fewer guesses, then
// prompt lookup (no model), then none.
SpeculationPlan plan_speculation(const SpeculationShapes& s, int32_t draft_max, size_t budget);

}  // namespace odin
