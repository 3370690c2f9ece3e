#include "llm/draft_model.h"

#include <algorithm>

namespace odin {

Status check_draft_model(const LlmModel& target, const LlmModel& draft) {
  if (target.info.n_vocab != draft.info.n_vocab)
    return make_error(StatusCode::kInvalidArgument, "the draft model's vocabulary has ",
                      draft.info.n_vocab, " tokens, the target's ", target.info.n_vocab,
                      ": a draft must share the target's vocabulary");
  const auto& tv = target.file->vocab;
  const auto& dv = draft.file->vocab;
  if (tv && dv && tv->pieces != dv->pieces)
    return make_error(StatusCode::kInvalidArgument,
                      "the draft model's vocabulary differs from the target's (same size, "
                      "other pieces): a draft must share the target's tokenizer");
  return Status();
}

Result<DraftTokens> DraftModelDrafter::propose(std::span<const int32_t> history, int32_t max) {
  DraftTokens draft;
  if (history.empty() || max <= 0) return draft;
  // Keep the cached prefix shared with `history`, less at least one token
  // to feed (its logits give the first guess).
  const std::span<const int32_t> held = context_.tokens();
  const size_t limit = std::min(held.size(), history.size() - 1);
  const size_t common = static_cast<size_t>(
      std::mismatch(held.begin(), held.begin() + static_cast<std::ptrdiff_t>(limit),
                    history.begin())
          .first -
      held.begin());
  context_.truncate(static_cast<int64_t>(common));
  // The context has room for the tokens to feed and the guesses but the last.
  const int64_t room = context_.model().info.n_ctx - static_cast<int64_t>(history.size());
  max = static_cast<int32_t>(std::min<int64_t>(max, room + 1));
  if (max <= 0) return draft;
  ODIN_ASSIGN_OR_RETURN(std::span<const float> logits, context_.eval(history.subspan(common)));
  seen_.assign(history.begin(), history.end());
  for (int32_t i = 0; i < max; ++i) {
    int32_t id = 0;
    if (sampled_) {  // drawn, with the distribution kept for the rejection scheme
      const std::span<const float> q = sampler_.probabilities(logits, seen_);
      id = sampler_.draw(q);
      draft.probs.emplace_back(q.begin(), q.end());
    } else {
      id = sampler_.sample(logits, seen_);
    }
    draft.ids.push_back(id);
    seen_.push_back(id);
    if (i + 1 == max) break;
    const int32_t next[] = {id};
    ODIN_ASSIGN_OR_RETURN(logits, context_.eval(next));
  }
  return draft;
}

}  // namespace odin
