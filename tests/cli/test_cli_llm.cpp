// The odin CLI on LLM files as a user runs it (ODIN_CLI_PATH): inspect shows
// the architecture and quantization, tokenize gives llama.cpp's ids.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <nlohmann/json.hpp>
#include <string>

#include "cli_runner.h"
#include "llm_test_models.h"
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

TEST(LlmCli, InspectQwen3ShowsHeadSizeAndHeadNorms) {
  const std::string path =
      testing::TempDir() + "odin_cli_llm_" + std::to_string(getpid()) + "_qwen3.gguf";
  const Status s = test::write_llm_test_model("qwen3-q8_0", ODIN_TEST_DATA_DIR, path);
  ASSERT_TRUE(s.ok()) << s.message();
  const CliResult r = run_cli("inspect " + test::quoted(path));
  std::remove(path.c_str());
  ASSERT_EQ(r.exit_code, 0) << r.out;
  for (const char* expected :
       {"architecture: qwen3, 2 layers, width 256, feed-forward 768",
        "attention: 4 heads of 96, 2 KV heads, Q/K head norms; RoPE base 1e+06",
        "tied to the embedding", "byte-level BPE (pre-tokenizer qwen2)"})
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

// A temporary file holding `text`, removed with the object.
struct TempText {
  explicit TempText(const std::string& text) {
    // CTest runs tests as parallel processes: the name carries the pid.
    path = testing::TempDir() + "odin_cli_llm_" + std::to_string(getpid()) + "_" +
           std::to_string(++counter) + ".txt";
    FILE* f = std::fopen(path.c_str(), "w");
    std::fputs(text.c_str(), f);
    std::fclose(f);
  }
  ~TempText() { std::remove(path.c_str()); }
  std::string path;
  static inline int counter = 0;
};

TEST(LlmCli, GenerateGreedyJsonGivesLlamaCppIds) {
  const TempText ids("1\n");
  const CliResult r = run_cli("generate " + data("data/llm/stories260K.bin") + " --prompt-ids " +
                                  test::quoted(ids.path) + " -n 8 --temp 0 --json",
                              "", test::Stderr::kDiscard);
  ASSERT_EQ(r.exit_code, 0) << r.out;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["prompt_ids"], nlohmann::json({1}));
  // tests/data/llm/golden/stories260K-F32-llamacpp.greedy64.txt
  EXPECT_EQ(j["generated_ids"], nlohmann::json({461, 461, 401, 401, 401, 461, 378, 455}));
  ASSERT_EQ(j["top_logits"].size(), 8u);
  EXPECT_EQ(j["top_logits"][0][0][0], 461);
  EXPECT_NEAR(j["top_logits"][0][0][1].get<double>(), 9.49140, 0.05);
  EXPECT_GT(j["timings"]["generate_tokens_per_s"].get<double>(), 0.0);
}

TEST(LlmCli, GenerateBadInputIsAClearError) {
  const std::string model = data("data/llm/stories260K.bin");
  const CliResult text = run_cli("generate " + model + " -p hello");
  EXPECT_NE(text.exit_code, 0);
  EXPECT_NE(text.out.find("--prompt-ids"), std::string::npos) << text.out;
  const TempText junk("1 2 x3\n");
  const CliResult bad = run_cli("generate " + model + " --prompt-ids " + test::quoted(junk.path));
  EXPECT_NE(bad.exit_code, 0);
  EXPECT_NE(bad.out.find("'x3' is not a token id"), std::string::npos) << bad.out;
  const TempText big("1 600\n");  // the vocabulary has 512 pieces
  const CliResult range = run_cli("generate " + model + " --prompt-ids " + test::quoted(big.path));
  EXPECT_NE(range.exit_code, 0);
  EXPECT_NE(range.out.find("token id 600"), std::string::npos) << range.out;
  const CliResult missing = run_cli("generate /nonexistent.gguf -p hi");
  EXPECT_NE(missing.exit_code, 0);
  EXPECT_NE(missing.out.find("/nonexistent.gguf"), std::string::npos) << missing.out;
}

}  // namespace
}  // namespace odin
