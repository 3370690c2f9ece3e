// The merge loop both tokenizers share (SentencePiece by piece score, BPE
// by merge rank): the text is split into UTF-8 characters, and the adjacent
// pair with the highest priority (leftmost on a tie) is merged, again and
// again, until no adjacent pair has one. A pair's priority is computed when
// it becomes adjacent; pairs made stale by an earlier merge are skipped.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <queue>
#include <string_view>
#include <vector>

namespace odin {

// Bytes in the UTF-8 sequence that starts with `lead` (a stray continuation
// or invalid byte counts as one).
inline size_t utf8_sequence_length(uint8_t lead) {
  if (lead < 0xC0) return 1;
  if (lead < 0xE0) return 2;
  return lead < 0xF0 ? 3 : 4;
}

// `priority(merged, left_bytes)` gives the priority of merging the pair
// whose text is `merged` (the left part is its first `left_bytes`), or
// nullopt when the pair cannot merge. Returns the pieces left, in order, as
// views into `text`.
template <typename Priority>
std::vector<std::string_view> merge_pairs(std::string_view text, Priority&& priority) {
  struct Symbol {
    size_t start = 0, size = 0;  // size 0: merged into its left neighbour
    int prev = -1, next = -1;
  };
  struct Pair {
    double priority = 0;
    int left = 0, right = 0;
    size_t size = 0;  // bytes of the merged text, to spot stale pairs
  };
  // Highest priority first, then the leftmost.
  const auto after = [](const Pair& a, const Pair& b) {
    return a.priority < b.priority || (a.priority == b.priority && a.left > b.left);
  };
  std::vector<Symbol> symbols;
  for (size_t at = 0; at < text.size();) {
    const size_t n =
        std::min(utf8_sequence_length(static_cast<uint8_t>(text[at])), text.size() - at);
    const int i = static_cast<int>(symbols.size());
    symbols.push_back({at, n, i - 1, at + n == text.size() ? -1 : i + 1});
    at += n;
  }
  std::priority_queue<Pair, std::vector<Pair>, decltype(after)> queue(after);
  const auto add_pair = [&](int left, int right) {
    if (left < 0 || right < 0) return;
    const size_t size = symbols[left].size + symbols[right].size;
    const std::optional<double> p =
        priority(text.substr(symbols[left].start, size), symbols[left].size);
    if (p) queue.push({*p, left, right, size});
  };
  for (int i = 1; i < static_cast<int>(symbols.size()); ++i) add_pair(i - 1, i);
  while (!queue.empty()) {
    const Pair p = queue.top();
    queue.pop();
    Symbol& left = symbols[p.left];
    Symbol& right = symbols[p.right];
    if (left.size == 0 || right.size == 0 || left.size + right.size != p.size) continue;
    left.size += right.size;
    right.size = 0;
    left.next = right.next;
    if (right.next >= 0) symbols[right.next].prev = p.left;
    add_pair(left.prev, p.left);
    add_pair(p.left, left.next);
  }
  std::vector<std::string_view> pieces;
  for (int i = symbols.empty() ? -1 : 0; i != -1; i = symbols[i].next)
    pieces.push_back(text.substr(symbols[i].start, symbols[i].size));
  return pieces;
}

}  // namespace odin
