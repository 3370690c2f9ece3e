// The tokenizers on llama.cpp's own test vectors (tests/data/vocab): every
// string must give llama.cpp's ids, and the ids must give the string back.
#include <gtest/gtest.h>

#include <cstdlib>
#include <sstream>
#include <string>
#include <vector>

#include "format/gguf/gguf_file.h"
#include "format/gguf/gguf_vocab.h"
#include "gguf_builder.h"
#include "test_util.h"
#include "text/spm_tokenizer.h"
#include "text/tokenizer.h"

namespace odin {
namespace {

struct Case {
  std::string text;
  std::vector<int32_t> ids;
};

// The .inp strings are separated by "\n__ggml_vocab_test__\n"; the .out
// lines hold each one's ids (llama.cpp tests/test-tokenizer-0.cpp).
std::vector<Case> read_cases(const std::string& vocab_file) {
  const std::vector<uint8_t> inp = test::read_file(vocab_file + ".inp");
  const std::vector<uint8_t> out = test::read_file(vocab_file + ".out");
  const std::string raw(inp.begin(), inp.end());
  const std::string sep = "\n__ggml_vocab_test__\n";
  std::vector<std::string> texts;
  for (size_t pos = 0; pos < raw.size();) {
    const size_t next = raw.find(sep, pos);
    if (next == std::string::npos) {
      texts.push_back(raw.substr(pos));
      break;
    }
    texts.push_back(raw.substr(pos, next - pos));
    pos = next + sep.size();
  }
  std::vector<Case> cases;
  std::istringstream lines(std::string(out.begin(), out.end()));
  std::string line;
  for (size_t i = 0; std::getline(lines, line); ++i) {
    Case c;
    c.text = i < texts.size() ? texts[i] : "";
    std::istringstream ids(line);
    for (int32_t id = 0; ids >> id;) c.ids.push_back(id);
    cases.push_back(std::move(c));
  }
  EXPECT_EQ(cases.size(), texts.size()) << vocab_file;
  return cases;
}

class LlamaCppVectors : public ::testing::TestWithParam<const char*> {};

TEST_P(LlamaCppVectors, SameIdsAsLlamaCpp) {
  const char* dir = std::getenv("ODIN_VOCAB_DIR");  // other vocabularies, by hand
  const std::string path =
      dir ? str_cat(dir, "/ggml-vocab-", GetParam(), ".gguf")
          : test::data_path(str_cat("data/vocab/ggml-vocab-", GetParam(), ".gguf"));
  const std::vector<uint8_t> bytes = test::read_file(path);
  ASSERT_FALSE(bytes.empty()) << path << " missing";
  auto file = gguf::GgufFile::parse(bytes, path);
  ASSERT_TRUE(file.ok()) << file.status().to_string();
  auto vocab = gguf::read_vocab(*file, path);
  ASSERT_TRUE(vocab.ok()) << vocab.status().to_string();
  auto tokenizer = make_tokenizer(*vocab, path);
  ASSERT_TRUE(tokenizer.ok()) << tokenizer.status().to_string();
  const std::vector<Case> cases = read_cases(path);
  ASSERT_GT(cases.size(), 30u);
  for (const Case& c : cases) {
    EXPECT_EQ((*tokenizer)->tokenize(c.text), c.ids) << "text: '" << c.text << "'";
    EXPECT_EQ((*tokenizer)->detokenize(c.ids), c.text);
  }
}

INSTANTIATE_TEST_SUITE_P(LlamaCppVocabs, LlamaCppVectors,
                         ::testing::Values("llama-spm", "phi-3", "llama-bpe", "qwen2"),
                         [](const auto& info) {
                           std::string name = info.param;
                           for (char& ch : name)
                             if (ch == '-') ch = '_';
                           return name;
                         });

TEST(SpmTokenizer, ByteFallbackAndSpecialIds) {
  // A vocabulary with pieces for "a", "b", "ab", the space and two bytes of
  // "é" (C3 A9): "é" has no piece, so it falls back to its bytes.
  Vocab v;
  v.pieces = {"<unk>", "<s>", "</s>", "<0xC3>", "<0xA9>", "\xE2\x96\x81", "a", "b", "ab"};
  v.scores = {0, 0, 0, 0, 0, -1, -2, -2, -1};
  v.types = {TokenType::kUnknown, TokenType::kControl, TokenType::kControl,
             TokenType::kByte,    TokenType::kByte,    TokenType::kNormal,
             TokenType::kNormal,  TokenType::kNormal,  TokenType::kNormal};
  v.unk = 0;
  v.bos = 1;
  v.eos = 2;
  ASSERT_TRUE(v.finish("test").ok());
  EXPECT_EQ(spm_tokenize(v, "ab\xC3\xA9"), (std::vector<int32_t>{5, 8, 3, 4}));
  // A character with neither a piece nor byte pieces: unknown.
  EXPECT_EQ(spm_tokenize(v, "z"), (std::vector<int32_t>{5, 0}));
  EXPECT_EQ(spm_detokenize(v, std::vector<int32_t>{1, 5, 8, 3, 4, 2, 99, -1}), "ab\xC3\xA9");
  EXPECT_TRUE(spm_tokenize(v, "").empty());
}

TEST(GgufVocab, BadVocabulariesAreClearErrors) {
  const auto error_of = [](test::GgufBuilder b) {
    const std::vector<uint8_t> bytes = b.build();
    auto file = gguf::GgufFile::parse(bytes, "v.gguf");
    if (!file.ok()) return file.status().message();
    auto vocab = gguf::read_vocab(*file, "v.gguf");
    return vocab.ok() ? std::string("loaded") : vocab.status().message();
  };
  test::GgufBuilder good;
  good.str("tokenizer.ggml.model", "llama").strings("tokenizer.ggml.tokens", {"a", "b"});
  EXPECT_EQ(error_of(good), "loaded");
  test::GgufBuilder t5;
  t5.str("tokenizer.ggml.model", "t5").strings("tokenizer.ggml.tokens", {"a", "b"});
  EXPECT_NE(error_of(t5).find("tokenizer model 't5' is not supported (llama, gpt2)"),
            std::string::npos);
  test::GgufBuilder bpe_without_merges;
  bpe_without_merges.str("tokenizer.ggml.model", "gpt2").strings("tokenizer.ggml.tokens", {"a"});
  EXPECT_NE(error_of(bpe_without_merges).find("tokenizer.ggml.merges"), std::string::npos);
  test::GgufBuilder scores = good;
  scores.floats("tokenizer.ggml.scores", {0.0f});
  EXPECT_NE(error_of(scores).find("2 pieces but 1 scores"), std::string::npos) << error_of(scores);
  test::GgufBuilder bos = good;
  bos.u32("tokenizer.ggml.bos_token_id", 7);
  EXPECT_NE(error_of(bos).find("BOS token id 7 is outside the vocabulary of 2"), std::string::npos)
      << error_of(bos);
  test::GgufBuilder none;
  none.str("tokenizer.ggml.model", "llama");
  EXPECT_NE(error_of(none).find("tokenizer.ggml.tokens"), std::string::npos) << error_of(none);
}

}  // namespace
}  // namespace odin
