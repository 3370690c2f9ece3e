#define PCRE2_CODE_UNIT_WIDTH 8
#include "text/bpe_tokenizer.h"

#include <pcre2.h>

#include <array>
#include <optional>
#include <unordered_map>

#include "text/pair_merge.h"

namespace odin {
namespace {

// Pre-tokenizer regexes by tokenizer.ggml.pre, as llama.cpp's
// llama-vocab.cpp adapts them from the models' tokenizer.json files (the
// case-insensitive contractions spelled out).
constexpr const char* kGpt2Regex =
    "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)";
constexpr const char* kLlama3Regex =
    "(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|"
    "\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
constexpr const char* kQwen2Regex =
    "(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|"
    "\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

struct PreTokenizer {
  const char* regex;
  bool ignore_merges;  // a word that is a piece is not merged (Llama 3)
};

Result<PreTokenizer> pre_tokenizer(const std::string& pre, const std::string& source) {
  if (pre.empty() || pre == "default" || pre == "gpt-2" || pre == "gpt2")
    return PreTokenizer{kGpt2Regex, false};
  if (pre == "llama-bpe" || pre == "llama3" || pre == "llama-v3")
    return PreTokenizer{kLlama3Regex, true};
  if (pre == "qwen2") return PreTokenizer{kQwen2Regex, false};
  return make_error(StatusCode::kUnsupported, source, ": BPE pre-tokenizer '", pre,
                    "' is not supported (gpt-2, llama-bpe, qwen2)");
}

void append_utf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | cp >> 6);
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xE0 | cp >> 12);
    out += static_cast<char>(0x80 | (cp >> 6 & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// GPT-2's bytes_to_unicode: printable Latin-1 bytes stand for themselves,
// the other 68 bytes for U+0100 onwards, in byte order.
std::array<uint32_t, 256> byte_alphabet() {
  std::array<uint32_t, 256> cp{};
  uint32_t next = 256;
  for (uint32_t b = 0; b < 256; ++b) {
    const bool printable = (b >= 33 && b <= 126) || (b >= 161 && b <= 172) || b >= 174;
    cp[b] = printable ? b : next++;
  }
  return cp;
}

class BytePairTokenizer final : public Tokenizer {
 public:
  BytePairTokenizer(const Vocab& vocab, PreTokenizer pre, pcre2_code* regex)
      : vocab_(vocab), pre_(pre), regex_(regex), alphabet_(byte_alphabet()) {
    for (uint32_t b = 0; b < 256; ++b) {
      std::string s;
      append_utf8(s, alphabet_[b]);
      byte_of_[s] = static_cast<uint8_t>(b);
      encoded_[b] = std::move(s);
    }
    for (size_t i = 0; i < vocab.merges.size(); ++i)
      ranks_.emplace(vocab.merges[i], static_cast<int>(i));
  }
  ~BytePairTokenizer() override { pcre2_code_free(regex_); }

  std::vector<int32_t> tokenize(std::string_view text) const override {
    std::vector<int32_t> out;
    for_each_word(text, [&](std::string_view word) { encode_word(word, out); });
    return out;
  }

  std::string detokenize(std::span<const int32_t> ids) const override {
    std::string out;
    for (int32_t id : ids) {
      if (id < 0 || id >= vocab_.size()) continue;
      const auto type = vocab_.types[static_cast<size_t>(id)];
      if (type == TokenType::kControl || type == TokenType::kUnused) continue;
      const std::string& piece = vocab_.pieces[static_cast<size_t>(id)];
      for (size_t at = 0; at < piece.size();) {
        const size_t n =
            std::min(utf8_sequence_length(static_cast<uint8_t>(piece[at])), piece.size() - at);
        const auto it = byte_of_.find(piece.substr(at, n));
        if (it != byte_of_.end())
          out += static_cast<char>(it->second);
        else
          out.append(piece, at, n);  // not in the byte alphabet: as written
        at += n;
      }
    }
    return out;
  }

 private:
  // Calls `f` with each regex match and each stretch between matches.
  template <typename F>
  void for_each_word(std::string_view text, F&& f) const {
    pcre2_match_data* md = pcre2_match_data_create_from_pattern(regex_, nullptr);
    const auto* subject = reinterpret_cast<PCRE2_SPTR>(text.data());
    size_t at = 0, covered = 0;
    while (at < text.size()) {
      const int rc = pcre2_match(regex_, subject, text.size(), at, 0, md, nullptr);
      if (rc < 0) break;
      const PCRE2_SIZE* ov = pcre2_get_ovector_pointer(md);
      if (ov[0] >= text.size()) break;
      if (ov[1] == ov[0]) {  // an empty match: step over one character
        at = ov[0] + utf8_sequence_length(static_cast<uint8_t>(text[ov[0]]));
        continue;
      }
      if (ov[0] > covered) f(text.substr(covered, ov[0] - covered));
      f(text.substr(ov[0], ov[1] - ov[0]));
      covered = at = ov[1];
    }
    if (covered < text.size()) f(text.substr(covered));
    pcre2_match_data_free(md);
  }

  void encode_word(std::string_view word, std::vector<int32_t>& out) const {
    std::string text;
    for (char c : word) text += encoded_[static_cast<uint8_t>(c)];
    if (pre_.ignore_merges) {
      const int32_t id = vocab_.find(text);
      if (id != kNoToken) {
        out.push_back(id);
        return;
      }
    }
    // Pairs with a merge rule merge, the lowest rank first.
    const auto rank = [this](std::string_view merged, size_t left) -> std::optional<double> {
      std::string key(merged.substr(0, left));
      key += ' ';
      key += merged.substr(left);
      const auto it = ranks_.find(key);
      if (it == ranks_.end()) return std::nullopt;
      return -static_cast<double>(it->second);
    };
    for (std::string_view piece : merge_pairs(text, rank)) {
      const int32_t id = vocab_.find(piece);
      if (id != kNoToken) {
        out.push_back(id);
        continue;
      }
      // Not a piece: each byte of it that is one (llama.cpp does the same).
      for (char c : piece) {
        const int32_t b = vocab_.find(std::string_view(&c, 1));
        if (b != kNoToken) out.push_back(b);
      }
    }
  }

  const Vocab& vocab_;
  PreTokenizer pre_;
  pcre2_code* regex_;
  std::array<uint32_t, 256> alphabet_;
  std::array<std::string, 256> encoded_;
  std::unordered_map<std::string, uint8_t> byte_of_;
  std::unordered_map<std::string, int> ranks_;
};

}  // namespace

Result<std::unique_ptr<Tokenizer>> make_bpe_tokenizer(const Vocab& vocab,
                                                      const std::string& source) {
  ODIN_ASSIGN_OR_RETURN(PreTokenizer pre, pre_tokenizer(vocab.pre, source));
  int error = 0;
  PCRE2_SIZE offset = 0;
  pcre2_code* regex =
      pcre2_compile(reinterpret_cast<PCRE2_SPTR>(pre.regex), PCRE2_ZERO_TERMINATED,
                    PCRE2_UTF | PCRE2_UCP | PCRE2_MATCH_INVALID_UTF, &error, &offset, nullptr);
  if (!regex) {
    PCRE2_UCHAR message[256];
    pcre2_get_error_message(error, message, sizeof message);
    return make_error(StatusCode::kInternal, source,
                      ": pre-tokenizer regex: ", reinterpret_cast<const char*>(message), " at ",
                      offset);
  }
  pcre2_jit_compile(regex, PCRE2_JIT_COMPLETE);  // faster where PCRE2 has a JIT
  return std::unique_ptr<Tokenizer>(std::make_unique<BytePairTokenizer>(vocab, pre, regex));
}

}  // namespace odin
