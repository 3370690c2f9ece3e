// A tokenizer vocabulary as LLM files carry it (GGUF tokenizer.ggml.*):
// pieces, scores, token types and special ids. Built by the importers
// (format/gguf/gguf_vocab.h), read by the tokenizers in this folder.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/status.h"

namespace odin {

// GGUF tokenizer.ggml.token_type values (llama.cpp's llama_token_type).
enum class TokenType : uint8_t {
  kUndefined = 0,
  kNormal = 1,
  kUnknown = 2,
  kControl = 3,
  kUserDefined = 4,
  kUnused = 5,
  kByte = 6,
};

enum class TokenizerModel : uint8_t {
  kSentencePiece,  // "llama": score-ordered merges of pieces, byte fallback
  kBytePairBpe,    // "gpt2": byte-level BPE with ranked merges
};

constexpr int32_t kNoToken = -1;

struct Vocab {
  TokenizerModel model = TokenizerModel::kSentencePiece;
  std::vector<std::string> pieces;
  std::vector<float> scores;
  std::vector<TokenType> types;
  int32_t bos = kNoToken, eos = kNoToken, unk = kNoToken;
  bool add_bos = true;
  bool add_space_prefix = true;  // SentencePiece: the text starts with a space
  // Byte-level BPE: "left right" merges in rank order, and the
  // pre-tokenizer's name (tokenizer.ggml.pre).
  std::vector<std::string> merges;
  std::string pre;

  // Checks sizes and special ids and builds the lookups; errors name
  // `source`. Call once after filling the fields above.
  Status finish(const std::string& source);

  int32_t size() const { return static_cast<int32_t>(pieces.size()); }
  // kNoToken when no piece has this text.
  int32_t find(std::string_view piece) const;
  // The <0xXX> piece of a byte (byte fallback); kNoToken when the
  // vocabulary has none.
  int32_t byte_token(uint8_t byte) const { return byte_tokens_[byte]; }

 private:
  // Transparent hashing: find() looks up a string_view without building a
  // std::string (it runs for every candidate pair while tokenizing).
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  std::unordered_map<std::string, int32_t, Hash, std::equal_to<>> ids_;
  std::array<int32_t, 256> byte_tokens_{};
};

}  // namespace odin
