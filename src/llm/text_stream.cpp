#include "llm/text_stream.h"

namespace odin {

std::string TextStream::start(std::span<const int32_t> ids) {
  ids_.assign(ids.begin(), ids.end());
  emitted_ = 0;
  if (!tokenizer_) {
    std::string s;
    for (int32_t id : ids) s += std::to_string(id) + " ";
    return s;
  }
  return take_complete();
}

std::string TextStream::next(int32_t id) {
  if (!tokenizer_) return std::to_string(id) + " ";
  ids_.push_back(id);
  return take_complete();
}

// Detokenizes the whole sequence each time (not just the new id) because a
// piece's text depends on what precedes it (the leading space, bytes of a
// split character).
std::string TextStream::take_complete() {
  const std::string all = tokenizer_->detokenize(ids_);
  // Hold back a trailing incomplete UTF-8 sequence.
  size_t end = all.size();
  for (size_t back = 1; back <= 3 && back <= all.size(); ++back) {
    const auto c = static_cast<unsigned char>(all[all.size() - back]);
    if ((c & 0xC0) == 0x80) continue;  // continuation byte
    const size_t need = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
    if (need > back) end = all.size() - back;
    break;
  }
  if (end <= emitted_) return {};
  std::string piece = all.substr(emitted_, end - emitted_);
  emitted_ = end;
  return piece;
}

}  // namespace odin
