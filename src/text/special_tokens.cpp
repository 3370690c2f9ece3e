#include "text/special_tokens.h"

#include <algorithm>

namespace odin {

std::vector<int32_t> special_token_ids(const Vocab& vocab) {
  std::vector<int32_t> ids;
  for (int32_t id = 0; id < vocab.size(); ++id) {
    const TokenType t = vocab.types[static_cast<size_t>(id)];
    if ((t == TokenType::kControl || t == TokenType::kUserDefined || t == TokenType::kUnknown) &&
        !vocab.pieces[static_cast<size_t>(id)].empty())
      ids.push_back(id);
  }
  std::stable_sort(ids.begin(), ids.end(), [&](int32_t a, int32_t b) {
    return vocab.pieces[static_cast<size_t>(a)].size() >
           vocab.pieces[static_cast<size_t>(b)].size();
  });
  return ids;
}

std::vector<int32_t> tokenize_with_special(const Tokenizer& tokenizer, const Vocab& vocab,
                                           std::string_view text) {
  // Fragments of the text: a special id, or a stretch of plain text
  // (kNoToken). Each special piece, longest first, splits the plain
  // stretches left by the ones before it, so a piece never matches inside
  // a longer one already taken.
  struct Fragment {
    int32_t id;
    std::string_view text;
  };
  std::vector<Fragment> fragments;
  if (!text.empty()) fragments.push_back({kNoToken, text});
  std::vector<Fragment> next;
  for (int32_t id : special_token_ids(vocab)) {
    const std::string_view piece = vocab.pieces[static_cast<size_t>(id)];
    bool found = false;
    for (const Fragment& f : fragments)
      if (f.id == kNoToken && f.text.find(piece) != std::string_view::npos) found = true;
    if (!found) continue;
    next.clear();
    for (const Fragment& f : fragments) {
      if (f.id != kNoToken) {
        next.push_back(f);
        continue;
      }
      std::string_view rest = f.text;
      for (size_t at; (at = rest.find(piece)) != std::string_view::npos;) {
        if (at > 0) next.push_back({kNoToken, rest.substr(0, at)});
        next.push_back({id, piece});
        rest.remove_prefix(at + piece.size());
      }
      if (!rest.empty()) next.push_back({kNoToken, rest});
    }
    fragments.swap(next);
  }
  std::vector<int32_t> ids;
  for (const Fragment& f : fragments) {
    if (f.id != kNoToken) {
      ids.push_back(f.id);
      continue;
    }
    for (int32_t id : tokenizer.tokenize(f.text)) ids.push_back(id);
  }
  return ids;
}

}  // namespace odin
