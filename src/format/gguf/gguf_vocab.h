// The tokenizer vocabulary of a GGUF file (tokenizer.ggml.* keys, ggml
// docs/gguf.md "Tokenizer"): model, pieces, scores, token types, special
// ids and flags, checked (Vocab::finish).
#pragma once

#include <string>

#include "format/gguf/gguf_file.h"
#include "text/vocab.h"

namespace odin::gguf {

Result<Vocab> read_vocab(const GgufFile& file, const std::string& source);

}  // namespace odin::gguf
