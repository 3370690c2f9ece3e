// Text of a growing token sequence, piece by piece, for streaming output
// (the CLI's generate verb and the C API's generation callback): each piece
// is what a new token adds, and a character split over tokens (byte
// fallback) is held back until its last byte arrives, so every piece is
// whole UTF-8.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "text/tokenizer.h"

namespace odin {

class TextStream {
 public:
  // `tokenizer` (null: ids print as numbers, "42 ") must outlive the stream.
  explicit TextStream(const Tokenizer* tokenizer) : tokenizer_(tokenizer) {}

  // Starts over after `ids` (e.g. the prompt) and returns their text. The
  // ids give the pieces that follow their context: a tokenizer drops the
  // space that starts a text, not one that starts a later word.
  std::string start(std::span<const int32_t> ids);
  // The text `id` adds; "" while it ends inside a character (or is a
  // control token).
  std::string next(int32_t id);

 private:
  std::string take_complete();

  const Tokenizer* tokenizer_;
  std::vector<int32_t> ids_;
  size_t emitted_ = 0;  // bytes of the ids' text already returned
};

}  // namespace odin
