#include "text/vocab.h"

#include <cmath>
#include <cstdio>
#include <limits>

namespace odin {

Status Vocab::finish(const std::string& source) {
  const size_t n = pieces.size();
  if (n == 0 || n > (size_t{1} << 24))
    return make_error(StatusCode::kInvalidModel, source, ": vocabulary of ", n,
                      " pieces (must be 1 to 2^24)");
  if (scores.empty()) scores.assign(n, 0.0f);
  if (types.empty()) types.assign(n, TokenType::kNormal);
  if (scores.size() != n || types.size() != n)
    return make_error(StatusCode::kInvalidModel, source, ": ", n, " pieces but ", scores.size(),
                      " scores and ", types.size(), " token types");
  // A NaN score would break the merge order's strict weak ordering.
  for (float& s : scores)
    if (std::isnan(s)) s = -std::numeric_limits<float>::infinity();
  for (const auto& [name, id] : {std::pair{"BOS", bos}, {"EOS", eos}, {"unknown", unk}})
    if (id != kNoToken && (id < 0 || id >= static_cast<int32_t>(n)))
      return make_error(StatusCode::kInvalidModel, source, ": ", name, " token id ", id,
                        " is outside the vocabulary of ", n);
  ids_.clear();
  ids_.reserve(n);
  // The first of duplicate pieces wins, as in llama.cpp's token_to_id map.
  for (size_t i = 0; i < n; ++i) ids_.emplace(pieces[i], static_cast<int32_t>(i));
  for (int b = 0; b < 256; ++b) {
    char piece[8];
    std::snprintf(piece, sizeof piece, "<0x%02X>", b);
    byte_tokens_[b] = find(piece);
  }
  return Status();
}

int32_t Vocab::find(std::string_view piece) const {
  const auto it = ids_.find(piece);
  return it == ids_.end() ? kNoToken : it->second;
}

}  // namespace odin
