// Byte-level BPE from a GGUF vocabulary ("gpt2" model: GPT-2, Llama 3,
// Qwen2): the text is split into words by the vocabulary's pre-tokenizer
// regex (PCRE2 with Unicode classes; the stretches no match covers are words
// too), each word's UTF-8 bytes are written in GPT-2's printable byte
// alphabet, and the adjacent pair with the lowest merge rank is merged
// (leftmost on a tie) until no pair has a rank; the pieces left are looked
// up. The same results as llama.cpp's BPE tokenizer on its test vectors
// (tests/unit/test_tokenizers.cpp).
#pragma once

#include <memory>
#include <string>

#include "text/tokenizer.h"

namespace odin {

// Uses vocab.merges and vocab.pre ("gpt-2", "llama-bpe", "qwen2", ...).
Result<std::unique_ptr<Tokenizer>> make_bpe_tokenizer(const Vocab& vocab,
                                                      const std::string& source);

}  // namespace odin
