// The odin CLI on LLM files as a user runs it (ODIN_CLI_PATH): inspect shows
// the architecture and quantization, tokenize gives llama.cpp's ids.
#include <gtest/gtest.h>

#include <cstdio>
#include <nlohmann/json.hpp>
#include <string>

#include "cli_runner.h"
#include "test_util.h"

namespace odin {
namespace {

using test::CliResult;
using test::run_cli;

std::string data(const std::string& rel) {
  return test::quoted(test::data_path(rel));
}

TEST(LlmCli, InspectLlama2cCheckpoint) {
  const CliResult r = run_cli("inspect " + data("data/llm/stories260K.bin"));
  ASSERT_EQ(r.exit_code, 0) << r.out;
  for (const char* expected :
       {"(llama2.c,", "architecture: llama, 5 layers, width 64, feed-forward 172",
        "attention: 8 heads of 8, 4 KV heads", "context: 512 tokens (trained); vocabulary: 512",
        "tied to the embedding", "parameters: 0.26 M in 47 tensors", "F32",
        "tokenizer: none in the file"})
    EXPECT_NE(r.out.find(expected), std::string::npos) << expected << "\n" << r.out;
}

TEST(LlmCli, InspectVocabularyOnlyGguf) {
  const CliResult r = run_cli("inspect " + data("data/vocab/ggml-vocab-llama-spm.gguf"));
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("GGUF v3"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("tokenizer: SentencePiece, 32000 pieces, BOS 1, EOS 2"), std::string::npos)
      << r.out;
}

TEST(LlmCli, TokenizeGivesLlamaCppIds) {
  const std::string vocab = data("data/vocab/ggml-vocab-llama-spm.gguf");
  const CliResult plain = run_cli("tokenize " + vocab + " 'Hello world'");
  ASSERT_EQ(plain.exit_code, 0) << plain.out;
  EXPECT_EQ(plain.out, "15043 3186\n");  // ggml-vocab-llama-spm.gguf.out
  const CliResult json = run_cli("tokenize --bos --json " + vocab + " ' Hello, world!'");
  ASSERT_EQ(json.exit_code, 0) << json.out;
  const auto j = nlohmann::json::parse(json.out);
  EXPECT_EQ(j["ids"], nlohmann::json({1, 29871, 15043, 29892, 3186, 29991}));
  EXPECT_EQ(j["pieces"][2], "\xE2\x96\x81Hello");
  EXPECT_EQ(j["text"], " Hello, world!");
}

TEST(LlmCli, TokenizeWithByteLevelBpe) {
  const std::string vocab = data("data/vocab/ggml-vocab-llama-bpe.gguf");
  const CliResult r = run_cli("tokenize " + vocab + " 'Hello world'");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_EQ(r.out, "9906 1917\n");  // ggml-vocab-llama-bpe.gguf.out
  const CliResult info = run_cli("inspect " + vocab);
  EXPECT_NE(info.out.find("tokenizer: byte-level BPE (pre-tokenizer llama-bpe)"), std::string::npos)
      << info.out;
}

TEST(LlmCli, TokenizeWithoutVocabularyIsAClearError) {
  const CliResult r = run_cli("tokenize " + data("data/llm/stories260K.bin") + " hi");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.out.find("the file has no vocabulary"), std::string::npos) << r.out;
  const CliResult bad = run_cli("inspect " + data("data/llm/stories260K.LICENSE"));
  EXPECT_NE(bad.exit_code, 0) << bad.out;
}

}  // namespace
}  // namespace odin
