// SentencePiece-style tokenization from a GGUF vocabulary ("llama" model):
// the text, with a leading space when the vocabulary asks for one and every
// space written as U+2581, is split into UTF-8 characters; the adjacent pair
// whose concatenation is the highest-scoring piece is merged (leftmost on a
// tie) until no pair is a piece; characters left that are not pieces become
// their <0xXX> byte pieces. The same results as llama.cpp's SPM tokenizer
// (tests/text/test_spm_tokenizer.cpp runs its test vectors).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "text/vocab.h"

namespace odin {

// Ids of `text`, without BOS/EOS; special-token text is not parsed.
std::vector<int32_t> spm_tokenize(const Vocab& vocab, std::string_view text);

// The text of `ids`: U+2581 back to spaces, byte pieces to their bytes,
// control tokens (BOS, EOS) to nothing, and the leading space the tokenizer
// added removed. Ids outside the vocabulary are skipped.
std::string spm_detokenize(const Vocab& vocab, std::span<const int32_t> ids);

}  // namespace odin
