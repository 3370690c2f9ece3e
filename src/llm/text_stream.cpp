#include "llm/text_stream.h"

#include <algorithm>

namespace odin {
namespace {

// Ids of context a piece is decoded after: enough for the bytes of a
// character split over byte tokens (4) and for the space that only a text's
// first word loses. Control tokens decode to nothing, so the window keeps
// an id that gives text (else a word after 8 of them would lose its space),
// up to kMaxContext ids.
constexpr size_t kContext = 8, kMaxContext = 64;

// Bytes at the front of `s` that form whole UTF-8 characters: all but a
// trailing incomplete sequence.
size_t complete_prefix(const std::string& s) {
  for (size_t back = 1; back <= 3 && back <= s.size(); ++back) {
    const auto c = static_cast<unsigned char>(s[s.size() - back]);
    if ((c & 0xC0) == 0x80) continue;  // continuation byte
    const size_t need = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
    return need > back ? s.size() - back : s.size();
  }
  return s.size();
}

}  // namespace

std::string TextStream::start(std::span<const int32_t> ids) {
  recent_.assign(ids.end() - static_cast<std::ptrdiff_t>(std::min(ids.size(), kContext)),
                 ids.end());
  pending_.clear();
  if (!tokenizer_) {
    std::string s;
    for (int32_t id : ids) s += std::to_string(id) + " ";
    return s;
  }
  pending_ = tokenizer_->detokenize(ids);
  return take_complete();
}

// A piece's text depends on what precedes it (the leading space a text's
// first word loses, the bytes of a split character): it is what decoding
// the recent ids with it adds to decoding them without it.
std::string TextStream::next(int32_t id) {
  if (!tokenizer_) return std::to_string(id) + " ";
  const std::string before = tokenizer_->detokenize(recent_);
  recent_.push_back(id);
  const std::string after = tokenizer_->detokenize(recent_);
  // With today's tokenizers `after` starts with `before`; were it not so,
  // what follows their common prefix is the best guess.
  const size_t common =
      std::mismatch(before.begin(), before.end(), after.begin(), after.end()).first -
      before.begin();
  pending_ += after.substr(common);
  if (recent_.size() > kContext &&
      (recent_.size() > kMaxContext ||
       !tokenizer_->detokenize(std::span<const int32_t>(recent_).subspan(1)).empty()))
    recent_.erase(recent_.begin());
  return take_complete();
}

std::string TextStream::take_complete() {
  const size_t end = complete_prefix(pending_);
  std::string piece = pending_.substr(0, end);
  pending_.erase(0, end);
  return piece;
}

}  // namespace odin
