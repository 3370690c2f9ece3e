#include "text/spm_tokenizer.h"

#include <queue>

namespace odin {
namespace {

constexpr std::string_view kSpace = "\xE2\x96\x81";  // U+2581, SentencePiece's space

// Bytes in the UTF-8 sequence that starts with `lead` (a stray continuation
// or invalid byte counts as one).
size_t utf8_length(uint8_t lead) {
  if (lead < 0xC0) return 1;
  if (lead < 0xE0) return 2;
  return lead < 0xF0 ? 3 : 4;
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

struct Symbol {
  size_t start = 0, size = 0;  // size 0: merged into its left neighbour
  int prev = -1, next = -1;
};

struct Pair {
  int left = 0, right = 0;
  float score = 0;
  size_t size = 0;  // bytes of the merged text, to spot pairs gone stale
};

// Highest score first, then the leftmost.
struct PairOrder {
  bool operator()(const Pair& a, const Pair& b) const {
    return a.score < b.score || (a.score == b.score && a.left > b.left);
  }
};

class Merger {
 public:
  Merger(const Vocab& vocab, std::string text) : vocab_(vocab), text_(std::move(text)) {
    for (size_t at = 0; at < text_.size();) {
      const size_t n = std::min(utf8_length(static_cast<uint8_t>(text_[at])), text_.size() - at);
      const int i = static_cast<int>(symbols_.size());
      symbols_.push_back({at, n, i - 1, at + n == text_.size() ? -1 : i + 1});
      at += n;
    }
  }

  void merge() {
    for (int i = 1; i < static_cast<int>(symbols_.size()); ++i) add_pair(i - 1, i);
    while (!queue_.empty()) {
      const Pair p = queue_.top();
      queue_.pop();
      Symbol& left = symbols_[p.left];
      Symbol& right = symbols_[p.right];
      if (left.size == 0 || right.size == 0 || left.size + right.size != p.size) continue;
      left.size += right.size;
      right.size = 0;
      left.next = right.next;
      if (right.next >= 0) symbols_[right.next].prev = p.left;
      add_pair(left.prev, p.left);
      add_pair(p.left, left.next);
    }
  }

  void emit(std::vector<int32_t>& out) const {
    for (int i = symbols_.empty() ? -1 : 0; i != -1; i = symbols_[i].next) {
      const Symbol& s = symbols_[i];
      const std::string_view piece(text_.data() + s.start, s.size);
      const int32_t id = vocab_.find(piece);
      if (id != kNoToken) {
        out.push_back(id);
        continue;
      }
      // Merges only make pieces, so this is one character the vocabulary
      // lacks: its bytes (or the unknown token without byte pieces).
      for (char c : piece) {
        const int32_t b = vocab_.byte_token(static_cast<uint8_t>(c));
        if (b != kNoToken)
          out.push_back(b);
        else if (vocab_.unk != kNoToken)
          out.push_back(vocab_.unk);
      }
    }
  }

 private:
  void add_pair(int left, int right) {
    if (left < 0 || right < 0) return;
    const size_t size = symbols_[left].size + symbols_[right].size;
    const int32_t id = vocab_.find(std::string_view(text_.data() + symbols_[left].start, size));
    if (id == kNoToken) return;
    queue_.push({left, right, vocab_.scores[static_cast<size_t>(id)], size});
  }

  const Vocab& vocab_;
  std::string text_;
  std::vector<Symbol> symbols_;
  std::priority_queue<Pair, std::vector<Pair>, PairOrder> queue_;
};

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
  Merger merger(vocab, std::move(escaped));
  merger.merge();
  merger.emit(out);
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
