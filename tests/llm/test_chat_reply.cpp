// llm/chat.h: picking the format, and a reply that ends at a stop id or a
// stop text (never shown) or when the caller says so, greedy on stories260K
// (a random model never reaches a real stop: the stops are taken from its
// own reply).
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>

#include "llm/chat.h"
#include "llm_test_models.h"

namespace odin::test {
namespace {

class ChatReplyTest : public testing::Test {
 protected:
  static void SetUpTestSuite() {
    const std::string path = (std::filesystem::temp_directory_path() /
                              ("odin_test_" + std::to_string(getpid()) + "_chat.gguf"))
                                 .string();
    ASSERT_TRUE(write_llm_test_model("stories260K-f32", ODIN_TEST_DATA_DIR, path).ok());
    auto m = LlmModel::open(path, {});
    std::remove(path.c_str());
    ASSERT_TRUE(m.ok()) << m.status().message();
    model_ = std::move(m).value().release();
  }
  static void TearDownTestSuite() {
    delete model_;
    model_ = nullptr;
  }

  void SetUp() override {
    ASSERT_TRUE(model_);
    SessionOptions so;
    so.backends = {"cpu"};
    auto c = LlmContext::create(*model_, so);
    ASSERT_TRUE(c.ok()) << c.status().message();
    context_ = std::move(c).value();
    auto f = chat_format(*model_, "chatml", "--chat-template NAME");
    ASSERT_TRUE(f.ok()) << f.status().message();
    format_ = *f;
    const ChatMessage user{"user", "Hello there"};
    prompt_ = chat_prompt_ids(*model_, format_, std::span(&user, 1));
  }

  // A greedy reply of at most `max_tokens` from an empty context; `pieces`
  // gets what on_text was given, `stop_after` pieces stop it.
  ChatReply reply(const ChatFormat& format, int32_t max_tokens, std::string* pieces = nullptr,
                  int stop_after = 0) {
    context_->truncate(0);
    GenerateOptions go;
    go.max_tokens = max_tokens;
    go.sampler.temperature = 0.0f;
    int seen = 0;
    auto r = generate_chat_reply(*context_, prompt_, format, go, [&](const std::string& text) {
      if (pieces) *pieces += text;
      return text.empty() || ++seen != stop_after;
    });
    EXPECT_TRUE(r.ok()) << r.status().message();
    return r.ok() ? std::move(r).value() : ChatReply{};
  }

  static inline LlmModel* model_ = nullptr;
  std::unique_ptr<LlmContext> context_;
  ChatFormat format_;
  std::vector<int32_t> prompt_;
};

TEST_F(ChatReplyTest, PromptIsBosAndTheFormattedConversation) {
  // chatml's markers are not in this vocabulary: they stay text, and
  // <|im_end|> is a stop text besides EOS.
  EXPECT_EQ(prompt_.front(), model_->file->vocab->bos);
  EXPECT_EQ(format_.stops.ids, std::vector<int32_t>{model_->file->vocab->eos});
  EXPECT_EQ(format_.stops.texts, std::vector<std::string>{"<|im_end|>"});
}

TEST_F(ChatReplyTest, EndsAtAStopIdOrTextOrWhenTheCallerStops) {
  std::string pieces;
  const ChatReply full = reply(format_, 16, &pieces);
  ASSERT_EQ(full.generated.ids.size(), 16u) << "the model reached a stop of its own";
  EXPECT_EQ(pieces, full.text);
  ASSERT_GE(full.text.size(), 12u);

  // A stop id: the reply is the text before it, the id is generated.
  const std::vector<int32_t>& ids = full.generated.ids;
  const auto first = std::find(ids.begin(), ids.end(), ids[8]) - ids.begin();
  ChatFormat by_id = format_;
  by_id.stops.ids.push_back(ids[8]);
  const ChatReply stopped = reply(by_id, 16);
  EXPECT_EQ(stopped.generated.ids, std::vector<int32_t>(ids.begin(), ids.begin() + first + 1));
  EXPECT_EQ(stopped.text, reply(format_, static_cast<int32_t>(first)).text);

  // A stop text: cut where it first appears, never passed to on_text.
  const std::string stop = full.text.substr(full.text.size() / 3, 2);
  const size_t at = full.text.find(stop);
  ChatFormat by_text = format_;
  by_text.stops.texts.push_back(stop);
  std::string shown;
  const ChatReply cut = reply(by_text, 16, &shown);
  EXPECT_EQ(cut.text, full.text.substr(0, at));
  EXPECT_EQ(shown, cut.text);
  EXPECT_LT(cut.generated.ids.size(), ids.size());

  // The caller stops after its first non-empty piece.
  std::string one;
  const ChatReply early = reply(format_, 16, &one, 1);
  EXPECT_FALSE(one.empty());
  EXPECT_EQ(full.text.rfind(one, 0), 0u) << one;
  EXPECT_LT(early.generated.ids.size(), ids.size());
}

TEST_F(ChatReplyTest, ClearErrors) {
  const auto unknown = named_chat_template("nope");
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(unknown.status().message().find("unknown chat template 'nope'; the built-in ones "
                                            "are: chatml, llama2"),
            std::string::npos);
  // The file has no template: the error says how to name one.
  const auto none = chat_format(*model_, "", "chat_template=NAME");
  ASSERT_FALSE(none.ok());
  EXPECT_NE(none.status().message().find("no chat template (tokenizer.chat_template); name "
                                         "one with chat_template=NAME, one of: chatml"),
            std::string::npos)
      << none.status().message();
  // A prompt that fills the context.
  context_->truncate(0);
  const std::vector<int32_t> long_prompt(model_->info.n_ctx, prompt_.back());
  const auto full = generate_chat_reply(*context_, long_prompt, format_, {},
                                        [](const std::string&) { return true; });
  ASSERT_FALSE(full.ok());
  EXPECT_EQ(full.status().code(), StatusCode::kOutOfRange);
  EXPECT_NE(full.status().message().find("does not fit the context"), std::string::npos);
}

}  // namespace
}  // namespace odin::test
