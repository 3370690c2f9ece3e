#include "llm/prompt_lookup.h"

#include <algorithm>

namespace odin {

Result<DraftTokens> PromptLookupDrafter::propose(std::span<const int32_t> history, int32_t max) {
  DraftTokens draft;
  const auto size = static_cast<int64_t>(history.size());
  for (int64_t n = std::min<int64_t>(max_ngram_, size - 1); n >= min_ngram_ && max > 0; --n) {
    const auto tail = history.last(static_cast<size_t>(n));
    // The latest match first: recent text predicts best. A match must end
    // before the tail itself, so it has a follower.
    for (int64_t start = size - n - 1; start >= 0; --start) {
      if (!std::equal(tail.begin(), tail.end(), history.begin() + start)) continue;
      const int64_t from = start + n;
      const int64_t count = std::min<int64_t>(max, size - from);
      draft.ids.assign(history.begin() + from, history.begin() + from + count);
      return draft;
    }
  }
  return draft;
}

}  // namespace odin
