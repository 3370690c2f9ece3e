// TextStream: pieces of a growing token sequence, whole UTF-8 each, that
// continue the text of what came before (the prompt).
#include <gtest/gtest.h>

#include <algorithm>

#include "format/llm/llm_file.h"
#include "llm/text_stream.h"
#include "test_util.h"

namespace odin::test {
namespace {

struct SpmTokenizer {
  std::unique_ptr<LlmFile> file;
  std::unique_ptr<Tokenizer> tokenizer;
};

SpmTokenizer spm() {
  SpmTokenizer t;
  auto f = open_llm_file(data_path("data/vocab/ggml-vocab-llama-spm.gguf"), false);
  EXPECT_TRUE(f.ok()) << f.status().message();
  t.file = std::move(f).value();
  auto tok = make_tokenizer(*t.file->vocab, "spm");
  EXPECT_TRUE(tok.ok()) << tok.status().message();
  t.tokenizer = std::move(tok).value();
  return t;
}

TEST(TextStream, HoldsBackASplitCharacter) {
  const SpmTokenizer t = spm();
  // "🦙" is not a piece: byte fallback spells it in four byte tokens.
  const std::vector<int32_t> ids = t.tokenizer->tokenize("a 🦙!");
  TextStream stream(t.tokenizer.get());
  EXPECT_EQ(stream.start({}), "");
  std::vector<std::string> pieces;
  for (int32_t id : ids) pieces.push_back(stream.next(id));
  std::string joined;
  for (const std::string& p : pieces) joined += p;
  EXPECT_EQ(joined, "a 🦙!");
  // No piece ends inside the character: one of them carries all of it, the
  // byte tokens before it give nothing.
  EXPECT_EQ(std::count_if(pieces.begin(), pieces.end(),
                          [](const std::string& p) { return p.find("🦙") != std::string::npos; }),
            1);
  EXPECT_GE(std::count(pieces.begin(), pieces.end(), ""), 3);
}

TEST(TextStream, ContinuesThePrompt) {
  const SpmTokenizer t = spm();
  const std::vector<int32_t> prompt = t.tokenizer->tokenize("Hello");
  TextStream stream(t.tokenizer.get());
  EXPECT_EQ(stream.start(prompt), "Hello");
  // "▁world" keeps its space after the prompt (alone, a text's first space
  // is dropped).
  std::string rest;
  for (int32_t id : t.tokenizer->tokenize("world")) rest += stream.next(id);
  EXPECT_EQ(rest, " world");
}

// Each piece is decoded after the last few ids only: over a long text, split
// characters and word spaces included, the pieces still join to the whole
// text's decoding.
TEST(TextStream, LongTextJoinsToItsWholeDecoding) {
  const SpmTokenizer t = spm();
  std::string text;
  for (int i = 0; i < 200; ++i)
    text += "Hello, wörld 🦙🦙 — ünïcode " + std::to_string(i) + "! ";
  const std::vector<int32_t> ids = t.tokenizer->tokenize(text);
  ASSERT_GT(ids.size(), 2000u);
  TextStream stream(t.tokenizer.get());
  std::string joined = stream.start(std::span<const int32_t>(ids.data(), 5));
  for (size_t i = 5; i < ids.size(); ++i) joined += stream.next(ids[i]);
  EXPECT_EQ(joined, t.tokenizer->detokenize(ids));
}

// Control tokens decode to nothing: a word after more of them than the
// context window still keeps its space.
TEST(TextStream, WordAfterManyControlTokensKeepsItsSpace) {
  const SpmTokenizer t = spm();
  TextStream stream(t.tokenizer.get());
  std::string text = stream.start(t.tokenizer->tokenize("Hello"));
  for (int i = 0; i < 12; ++i) text += stream.next(2);  // </s>
  for (int32_t id : t.tokenizer->tokenize("world")) text += stream.next(id);
  EXPECT_EQ(text, "Hello world");
}

TEST(TextStream, WithoutTokenizerPrintsIds) {
  TextStream stream(nullptr);
  const std::vector<int32_t> prompt = {1, 2};
  EXPECT_EQ(stream.start(prompt), "1 2 ");
  EXPECT_EQ(stream.next(42), "42 ");
}

}  // namespace
}  // namespace odin::test
