// Tokenization that parses special tokens: the vocabulary's control,
// user-defined and unknown pieces ("<|im_start|>", "<s>", "<unk>") written
// in the text become their single ids, and only the text between them goes
// through the tokenizer. Chat templates write their markers this way; the
// tokenizers themselves (tokenizer.h) treat such text as plain characters.
// The same split as llama.cpp's tokenizer_st_partition with parse_special.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "text/tokenizer.h"
#include "text/vocab.h"

namespace odin {

// The ids of the pieces that are matched in text (control, user-defined and
// unknown, non-empty), longest first (lower id on a tie): a longer piece
// wins over one it contains.
std::vector<int32_t> special_token_ids(const Vocab& vocab);

// Ids of `text` (no BOS/EOS added) with every special piece as its id;
// `tokenizer` must be `vocab`'s. Each stretch of text between special
// pieces is tokenized on its own, as if it started the text (so
// SentencePiece gives it its leading space, as llama.cpp does).
std::vector<int32_t> tokenize_with_special(const Tokenizer& tokenizer, const Vocab& vocab,
                                           std::string_view text);

}  // namespace odin
