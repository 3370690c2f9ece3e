// Text to token ids and back, for the tokenizer model a vocabulary names:
// SentencePiece (spm_tokenizer.h) or byte-level BPE (bpe_tokenizer.h).
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "text/vocab.h"

namespace odin {

class Tokenizer {
 public:
  virtual ~Tokenizer() = default;
  // Ids of `text`, without BOS/EOS; special-token text is not parsed.
  virtual std::vector<int32_t> tokenize(std::string_view text) const = 0;
  // The text of `ids`; control tokens and ids outside the vocabulary give
  // nothing.
  virtual std::string detokenize(std::span<const int32_t> ids) const = 0;
};

// The tokenizer of `vocab` (which must outlive it); errors name `source`.
Result<std::unique_ptr<Tokenizer>> make_tokenizer(const Vocab& vocab, const std::string& source);

}  // namespace odin
