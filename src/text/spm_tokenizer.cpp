#include "text/spm_tokenizer.h"

#include <optional>

#include "text/pair_merge.h"

namespace odin {
namespace {

constexpr std::string_view kSpace = "\xE2\x96\x81";  // U+2581, SentencePiece's space

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

}  // namespace

std::vector<int32_t> spm_tokenize(const Vocab& vocab, std::string_view text) {
  std::vector<int32_t> out;
  if (text.empty()) return out;
  std::string escaped;
  escaped.reserve(text.size() + 8);
  if (vocab.add_space_prefix) escaped += kSpace;
  for (char c : text) {
    if (c == ' ')
      escaped += kSpace;
    else
      escaped += c;
  }
  // Pairs merge when their text is a piece, the best-scored first.
  const auto score = [&vocab](std::string_view merged, size_t) -> std::optional<double> {
    const int32_t id = vocab.find(merged);
    if (id == kNoToken) return std::nullopt;
    return vocab.scores[static_cast<size_t>(id)];
  };
  for (std::string_view piece : merge_pairs(escaped, score)) {
    const int32_t id = vocab.find(piece);
    if (id != kNoToken) {
      out.push_back(id);
      continue;
    }
    // Merges only make pieces, so this is one character the vocabulary
    // lacks: its bytes (or the unknown token without byte pieces).
    for (char c : piece) {
      const int32_t b = vocab.byte_token(static_cast<uint8_t>(c));
      if (b != kNoToken)
        out.push_back(b);
      else if (vocab.unk != kNoToken)
        out.push_back(vocab.unk);
    }
  }
  return out;
}

std::string spm_detokenize(const Vocab& vocab, std::span<const int32_t> ids) {
  std::string out;
  for (int32_t id : ids) {
    if (id < 0 || id >= vocab.size()) continue;
    const std::string& piece = vocab.pieces[static_cast<size_t>(id)];
    switch (vocab.types[static_cast<size_t>(id)]) {
      case TokenType::kControl:
      case TokenType::kUnused:
        break;
      case TokenType::kByte:
        // "<0xXX>": the byte itself.
        if (piece.size() == 6 && hex_digit(piece[3]) >= 0 && hex_digit(piece[4]) >= 0)
          out += static_cast<char>(hex_digit(piece[3]) * 16 + hex_digit(piece[4]));
        break;
      default:
        for (size_t at = 0; at < piece.size();) {
          if (piece.compare(at, kSpace.size(), kSpace) == 0) {
            out += ' ';
            at += kSpace.size();
          } else {
            out += piece[at++];
          }
        }
    }
  }
  if (vocab.add_space_prefix && !out.empty() && out[0] == ' ') out.erase(0, 1);
  return out;
}

}  // namespace odin
