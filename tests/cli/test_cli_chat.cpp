// odin chat as a user runs it (ODIN_CLI_PATH), on test models the writer
// makes (tests/llm_test_models.h): qwen2-q8_0 carries Qwen2's chat template
// (ChatML, copied with its vocabulary), stories260K-f16 none.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <regex>
#include <string>
#include <vector>

#include "cli_runner.h"
#include "llm_test_models.h"
#include "test_util.h"

namespace odin {
namespace {

using test::CliResult;
using test::run_cli;

// Each test model written once per test process, removed at exit. CTest
// runs the tests as parallel processes: file names carry the process id.
class ChatCli : public testing::Test {
 protected:
  static void SetUpTestSuite() {
    for (const char* name : {"qwen2-q8_0", "stories260K-f16"}) {
      const std::string path =
          (std::filesystem::temp_directory_path() /
           ("odin_cli_chat_" + std::to_string(getpid()) + "_" + name + ".gguf"))
              .string();
      const Status s = test::write_llm_test_model(name, ODIN_TEST_DATA_DIR, path);
      ASSERT_TRUE(s.ok()) << s.message();
      paths().push_back(path);
    }
  }
  static void TearDownTestSuite() {
    for (const std::string& p : paths()) std::remove(p.c_str());
    paths().clear();
  }
  static std::vector<std::string>& paths() {
    static std::vector<std::string> p;
    return p;
  }
  static std::string qwen2() { return test::quoted(paths().at(0)); }
  static std::string no_template() { return test::quoted(paths().at(1)); }

  // `text` in a file that the command reads as stdin.
  static std::string stdin_from(const std::string& text) {
    const std::string path =
        testing::TempDir() + "odin_cli_chat_stdin_" + std::to_string(getpid()) + ".txt";
    FILE* f = std::fopen(path.c_str(), "w");
    std::fputs(text.c_str(), f);
    std::fclose(f);
    return " < " + test::quoted(path);
  }
};

struct Turn {
  int prompt = 0, fed = 0, reused = 0, reply = 0;
};

// The per-turn lines on stderr: "odin: turn N: prompt P tokens (F fed, R
// reused), ...; reply G tokens, ...".
std::vector<Turn> turns_of(const std::string& out) {
  static const std::regex line(
      R"(odin: turn \d+: prompt (\d+) tokens \((\d+) fed, (\d+) reused\).*reply (\d+) tokens)");
  std::vector<Turn> turns;
  for (auto it = std::sregex_iterator(out.begin(), out.end(), line); it != std::sregex_iterator();
       ++it)
    turns.push_back(
        {std::stoi((*it)[1]), std::stoi((*it)[2]), std::stoi((*it)[3]), std::stoi((*it)[4])});
  return turns;
}

TEST_F(ChatCli, TwoTurnsReuseTheCachedPrefix) {
  const std::string input = stdin_from("Hello there\nHow are you?\n");
  const CliResult r =
      run_cli("chat " + qwen2() + " --chat-template chatml --temp 0 -n 8 -t 2" + input);
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("odin: chat template chatml (--chat-template)"), std::string::npos) << r.out;
  const std::vector<Turn> turns = turns_of(r.out);
  ASSERT_EQ(turns.size(), 2u) << r.out;
  // "<|im_start|>user\nHello there<|im_end|>\n<|im_start|>assistant\n": all fed.
  EXPECT_EQ(turns[0].reused, 0);
  EXPECT_EQ(turns[0].fed, turns[0].prompt);
  EXPECT_GE(turns[0].prompt, 8);
  for (const Turn& t : turns) {
    EXPECT_GE(t.reply, 1);
    EXPECT_LE(t.reply, 8);
    EXPECT_EQ(t.fed + t.reused, t.prompt);
  }
  // The second prompt starts with the first: at least that much is reused.
  EXPECT_GT(turns[1].reused, 0) << r.out;
  EXPECT_GE(turns[1].reused, turns[0].prompt - 1) << r.out;
  EXPECT_GT(turns[1].prompt, turns[0].prompt + turns[0].reply);

  // Greedy is deterministic, and the file's own template (Qwen2's Jinja)
  // is detected as ChatML.
  const CliResult again = run_cli("chat " + qwen2() + " --temp 0 -n 8 -t 2" + input);
  ASSERT_EQ(again.exit_code, 0) << again.out;
  EXPECT_NE(again.out.find("odin: chat template chatml (from the model file)"), std::string::npos)
      << again.out;
  const CliResult quiet =
      run_cli("chat " + qwen2() + " --chat-template chatml --temp 0 -n 8 -t 2" + input, "",
              test::Stderr::kDiscard);
  const CliResult quiet2 =
      run_cli("chat " + qwen2() + " --temp 0 -n 8 -t 2" + input, "", test::Stderr::kDiscard);
  EXPECT_EQ(quiet.out, quiet2.out);
  EXPECT_FALSE(quiet.out.empty());
}

TEST_F(ChatCli, UnknownTemplateIsAClearError) {
  const CliResult r = run_cli("chat " + qwen2() + " --chat-template nope" + stdin_from("hi\n"));
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.out.find("unknown chat template 'nope'"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("chatml, llama2"), std::string::npos) << r.out;
}

TEST_F(ChatCli, ModelWithoutTemplateNeedsOne) {
  const CliResult r = run_cli("chat " + no_template() + stdin_from("hi\n"));
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.out.find("the model file has no chat template"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("--chat-template"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("llama3"), std::string::npos) << r.out;
  // Named, it chats (the vocabulary has no <|im_end|>: a text stop).
  const CliResult named = run_cli("chat " + no_template() +
                                  " --chat-template chatml --temp 0 -n 4" + stdin_from("hi\n"));
  EXPECT_EQ(named.exit_code, 0) << named.out;
  EXPECT_EQ(turns_of(named.out).size(), 1u) << named.out;
}

}  // namespace
}  // namespace odin
