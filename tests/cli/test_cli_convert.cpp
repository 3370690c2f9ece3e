// odin convert as a user runs it (ODIN_CLI_PATH): the .odin it writes
// generates the same ids and logits as its source, and inspect and tokenize
// read it like the GGUF.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "cli_runner.h"
#include "llm_test_models.h"
#include "test_util.h"

namespace odin {
namespace {

using test::CliResult;
using test::run_cli;

// A temporary path of this process, removed with the object.
struct TempPath {
  explicit TempPath(const std::string& name)
      : path((std::filesystem::temp_directory_path() /
              ("odin_cli_convert_" + std::to_string(getpid()) + "_" + name))
                 .string()) {}
  ~TempPath() { std::remove(path.c_str()); }
  std::string path;
};

// generate --json on `model` from the ids in `ids_file`: the generated ids
// and each step's top logits.
nlohmann::json greedy(const std::string& model, const std::string& ids_file,
                      const std::string& extra = "") {
  const CliResult r = run_cli("generate " + test::quoted(model) + " --prompt-ids " +
                                  test::quoted(ids_file) + " -n 4 --temp 0 --json " + extra,
                              "", test::Stderr::kDiscard);
  EXPECT_EQ(r.exit_code, 0) << r.out;
  if (r.exit_code != 0) return {};
  const auto j = nlohmann::json::parse(r.out);
  return {j["generated_ids"], j["top_logits"]};
}

void write_text(const std::string& path, const std::string& text) {
  FILE* f = std::fopen(path.c_str(), "w");
  ASSERT_TRUE(f);
  std::fputs(text.c_str(), f);
  std::fclose(f);
}

TEST(ConvertCli, Llama2cCheckpointGeneratesTheSame) {
  const std::string source = test::data_path("data/llm/stories260K.bin");
  TempPath out("stories.odin"), ids("stories_ids.txt");
  write_text(ids.path, "1 400 32\n");
  const CliResult c = run_cli("convert " + test::quoted(source) + " " + test::quoted(out.path));
  ASSERT_EQ(c.exit_code, 0) << c.out;
  for (const char* expected : {"(llama2.c) ->", "tensors: 47", "vocabulary: none",
                               "graph: 79 nodes, context 512, batch 512"})
    EXPECT_NE(c.out.find(expected), std::string::npos) << expected << "\n" << c.out;
  const auto want = greedy(source, ids.path);
  ASSERT_EQ(want[0].size(), 4u);
  EXPECT_EQ(greedy(out.path, ids.path), want);
  const CliResult info = run_cli("inspect " + test::quoted(out.path));
  ASSERT_EQ(info.exit_code, 0) << info.out;
  for (const char* expected :
       {"(odin v1 (from llama2.c),", "architecture: llama, 5 layers, width 64",
        "parameters: 0.26 M in 47 tensors", "stored graph: 79 nodes, context 512"})
    EXPECT_NE(info.out.find(expected), std::string::npos) << expected << "\n" << info.out;
}

TEST(ConvertCli, GgufWithVocabularyGeneratesAndTokenizesTheSame) {
  TempPath gguf("llama.gguf"), out("llama.odin"), ids("llama_ids.txt");
  const Status s = test::write_llm_test_model("llama-q4_k_m", ODIN_TEST_DATA_DIR, gguf.path);
  ASSERT_TRUE(s.ok()) << s.message();
  write_text(ids.path, "1 15043 3186 29892\n");
  const CliResult c = run_cli("convert " + test::quoted(gguf.path) + " " + test::quoted(out.path) +
                              " --ctx 128 --batch 16");
  ASSERT_EQ(c.exit_code, 0) << c.out;
  for (const char* expected :
       {"(GGUF v3) ->", "vocabulary: 32000 pieces", "context 128, batch 16, KV cache f16"})
    EXPECT_NE(c.out.find(expected), std::string::npos) << expected << "\n" << c.out;
  // The stored graph (the file's context and batch) and the GGUF's with the
  // same options.
  const auto want = greedy(gguf.path, ids.path, "--ctx 128 --batch 16");
  ASSERT_EQ(want[0].size(), 4u);
  EXPECT_EQ(greedy(out.path, ids.path, "--batch 16"), want);
  // Other options: the graph is rebuilt from the stored weights.
  EXPECT_EQ(greedy(out.path, ids.path, "--ctx 64 --batch 16"), want);

  const CliResult info = run_cli("inspect " + test::quoted(out.path));
  ASSERT_EQ(info.exit_code, 0) << info.out;
  for (const char* expected : {"(odin v1 (from GGUF v3),", "architecture: llama, 4 layers", "Q6_K",
                               "Q4_K", "tokenizer: SentencePiece, 32000 pieces"})
    EXPECT_NE(info.out.find(expected), std::string::npos) << expected << "\n" << info.out;
  const std::string text = " 'Hello, world! 123'";
  const CliResult a = run_cli("tokenize --bos " + test::quoted(gguf.path) + text);
  const CliResult b = run_cli("tokenize --bos " + test::quoted(out.path) + text);
  ASSERT_EQ(a.exit_code, 0) << a.out;
  EXPECT_EQ(a.out, b.out);
}

// --quant: which matrices change (stories260K's ffn_down rows of 172 are no
// whole number of blocks: kept), and kl-divergence against the source.
TEST(ConvertCli, QuantizedFileAndItsKlDivergence) {
  TempPath gguf("stories.gguf"), out("stories-m0e4.odin");
  const Status s = test::write_llm_test_model("stories260K-f32", ODIN_TEST_DATA_DIR, gguf.path);
  ASSERT_TRUE(s.ok()) << s.message();
  const CliResult c = run_cli("convert " + test::quoted(gguf.path) + " " + test::quoted(out.path) +
                              " --quant m0e4");
  ASSERT_EQ(c.exit_code, 0) << c.out;
  EXPECT_NE(c.out.find("quantized: 30 matrices to m0e4, 0 to q8_0, 17 tensors unchanged"),
            std::string::npos)
      << c.out;
  const CliResult self =
      run_cli("kl-divergence " + test::quoted(gguf.path) + " " + test::quoted(gguf.path) + " -n 8");
  ASSERT_EQ(self.exit_code, 0) << self.out;
  EXPECT_NE(self.out.find("8 positions"), std::string::npos) << self.out;
  EXPECT_NE(self.out.find("mean 0, max 0; top-1 agreement 100.0%"), std::string::npos) << self.out;
  const CliResult kl = run_cli("kl-divergence " + test::quoted(gguf.path) + " " +
                               test::quoted(out.path) + " -n 8 --json");
  ASSERT_EQ(kl.exit_code, 0) << kl.out;
  const auto j = nlohmann::json::parse(kl.out);
  EXPECT_EQ(j["positions"], 8);
  EXPECT_GT(j["kl_mean"].get<double>(), 0.0);
  EXPECT_EQ(j["kl"].size(), 8u);
  const CliResult bad = run_cli("convert " + test::quoted(gguf.path) + " " +
                                test::quoted(out.path) + " --quant q5_0");
  EXPECT_NE(bad.exit_code, 0);
}

TEST(ConvertCli, BadInputIsAClearError) {
  TempPath out("bad.odin");
  const CliResult missing = run_cli("convert /nonexistent.gguf " + test::quoted(out.path));
  EXPECT_NE(missing.exit_code, 0);
  EXPECT_NE(missing.out.find("/nonexistent.gguf"), std::string::npos) << missing.out;
  const CliResult vocab_only =
      run_cli("convert " + test::quoted(test::data_path("data/vocab/ggml-vocab-llama-spm.gguf")) +
              " " + test::quoted(out.path));
  EXPECT_NE(vocab_only.exit_code, 0) << vocab_only.out;
  const CliResult no_dir =
      run_cli("convert " + test::quoted(test::data_path("data/llm/stories260K.bin")) +
              " /nonexistent-dir/x.odin");
  EXPECT_NE(no_dir.exit_code, 0);
  EXPECT_NE(no_dir.out.find("cannot create"), std::string::npos) << no_dir.out;
  EXPECT_FALSE(std::filesystem::exists(out.path));
}

}  // namespace
}  // namespace odin
