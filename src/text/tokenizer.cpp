#include "text/tokenizer.h"

#include "text/bpe_tokenizer.h"
#include "text/spm_tokenizer.h"

namespace odin {
namespace {

class SentencePieceTokenizer final : public Tokenizer {
 public:
  explicit SentencePieceTokenizer(const Vocab& vocab) : vocab_(vocab) {}
  std::vector<int32_t> tokenize(std::string_view text) const override {
    return spm_tokenize(vocab_, text);
  }
  std::string detokenize(std::span<const int32_t> ids) const override {
    return spm_detokenize(vocab_, ids);
  }

 private:
  const Vocab& vocab_;
};

}  // namespace

Result<std::unique_ptr<Tokenizer>> make_tokenizer(const Vocab& vocab, const std::string& source) {
  if (vocab.model == TokenizerModel::kBytePairBpe) return make_bpe_tokenizer(vocab, source);
  return std::unique_ptr<Tokenizer>(std::make_unique<SentencePieceTokenizer>(vocab));
}

}  // namespace odin
