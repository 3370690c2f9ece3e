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
  // control token). Its cost does not grow with the text: the piece is
  // decoded after the last few ids only.
  std::string next(int32_t id);

 private:
  // Returns the whole UTF-8 characters at the front of pending_.
  std::string take_complete();

  const Tokenizer* tokenizer_;
  std::vector<int32_t> recent_;  // the last ids, the context the next piece is decoded in
  std::string pending_;          // bytes decoded but not returned (a split character)
};

}  // namespace odin
