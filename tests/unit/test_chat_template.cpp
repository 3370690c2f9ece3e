// Chat templates: each built-in format on one conversation (a system prompt
// and two user turns) against the text its family's published format gives,
// detection on short pieces of real Jinja templates and on the templates the
// committed vocab files carry, and tokenization that parses special tokens
// as llama.cpp does (parse_special).
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "format/llm/llm_file.h"
#include "llm/chat_template.h"
#include "test_util.h"
#include "text/special_tokens.h"
#include "text/tokenizer.h"

namespace odin {
namespace {

const std::vector<ChatMessage> kConversation = {
    {"system", "You are terse."},
    {"user", "Hi"},
    {"assistant", "Hello!"},
    {"user", "How are you?"},
};

// What each format gives for kConversation with the assistant's opening.
const std::map<std::string, std::string> kExpected = {
    {"chatml",
     "<|im_start|>system\nYou are terse.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n"
     "<|im_start|>assistant\nHello!<|im_end|>\n<|im_start|>user\nHow are you?<|im_end|>\n"
     "<|im_start|>assistant\n"},
    {"llama2", "[INST] You are terse.\nHi [/INST]Hello!</s>[INST] How are you? [/INST]"},
    {"llama2-sys",
     "[INST] <<SYS>>\nYou are terse.\n<</SYS>>\n\nHi [/INST]Hello!</s>[INST] How are you? [/INST]"},
    {"llama2-sys-bos",
     "[INST] <<SYS>>\nYou are terse.\n<</SYS>>\n\nHi [/INST]Hello!</s><s>[INST] How are you? "
     "[/INST]"},
    {"llama2-sys-strip",
     "[INST] <<SYS>>\nYou are terse.\n<</SYS>>\n\nHi [/INST]Hello!</s>[INST] How are you? [/INST]"},
    {"mistral-v1", " [INST] You are terse.\n\nHi [/INST] Hello!</s> [INST] How are you? [/INST]"},
    {"mistral-v3", "[INST] You are terse.\n\nHi[/INST] Hello!</s>[INST] How are you?[/INST]"},
    {"mistral-v3-tekken", "[INST]You are terse.\n\nHi[/INST]Hello!</s>[INST]How are you?[/INST]"},
    {"mistral-v7",
     "[SYSTEM_PROMPT] You are terse.[/SYSTEM_PROMPT][INST] Hi[/INST] Hello!</s>"
     "[INST] How are you?[/INST]"},
    {"mistral-v7-tekken",
     "[SYSTEM_PROMPT]You are terse.[/SYSTEM_PROMPT][INST]Hi[/INST]Hello!</s>"
     "[INST]How are you?[/INST]"},
    {"llama3",
     "<|start_header_id|>system<|end_header_id|>\n\nYou are terse.<|eot_id|>"
     "<|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|>"
     "<|start_header_id|>assistant<|end_header_id|>\n\nHello!<|eot_id|>"
     "<|start_header_id|>user<|end_header_id|>\n\nHow are you?<|eot_id|>"
     "<|start_header_id|>assistant<|end_header_id|>\n\n"},
    {"llama4",
     "<|header_start|>system<|header_end|>\n\nYou are terse.<|eot|>"
     "<|header_start|>user<|header_end|>\n\nHi<|eot|>"
     "<|header_start|>assistant<|header_end|>\n\nHello!<|eot|>"
     "<|header_start|>user<|header_end|>\n\nHow are you?<|eot|>"
     "<|header_start|>assistant<|header_end|>\n\n"},
    {"phi3",
     "<|system|>\nYou are terse.<|end|>\n<|user|>\nHi<|end|>\n<|assistant|>\nHello!<|end|>\n"
     "<|user|>\nHow are you?<|end|>\n<|assistant|>\n"},
    {"phi4",
     "<|im_start|>system<|im_sep|>You are terse.<|im_end|><|im_start|>user<|im_sep|>Hi<|im_end|>"
     "<|im_start|>assistant<|im_sep|>Hello!<|im_end|><|im_start|>user<|im_sep|>How are you?"
     "<|im_end|><|im_start|>assistant<|im_sep|>"},
    {"falcon3",
     "<|system|>\nYou are terse.\n<|user|>\nHi\n<|assistant|>\nHello!\n<|user|>\nHow are you?\n"
     "<|assistant|>\n"},
    {"zephyr",
     "<|system|>\nYou are terse.<|endoftext|>\n<|user|>\nHi<|endoftext|>\n<|assistant|>\n"
     "Hello!<|endoftext|>\n<|user|>\nHow are you?<|endoftext|>\n<|assistant|>\n"},
    {"gemma",
     "<start_of_turn>user\nYou are terse.\n\nHi<end_of_turn>\n<start_of_turn>model\nHello!"
     "<end_of_turn>\n<start_of_turn>user\nHow are you?<end_of_turn>\n<start_of_turn>model\n"},
    {"vicuna", "You are terse.\n\nUSER: Hi\nASSISTANT: Hello!</s>\nUSER: How are you?\nASSISTANT:"},
    {"vicuna-orca",
     "SYSTEM: You are terse.\nUSER: Hi\nASSISTANT: Hello!</s>\nUSER: How are you?\nASSISTANT:"},
    {"deepseek3",
     "You are terse.\n\n<｜User｜>Hi<｜Assistant｜>Hello!<｜end▁of▁sentence｜><｜User｜>How are "
     "you?"
     "<｜Assistant｜>"},
    {"command-r",
     "<|START_OF_TURN_TOKEN|><|SYSTEM_TOKEN|>You are terse.<|END_OF_TURN_TOKEN|>"
     "<|START_OF_TURN_TOKEN|><|USER_TOKEN|>Hi<|END_OF_TURN_TOKEN|>"
     "<|START_OF_TURN_TOKEN|><|CHATBOT_TOKEN|>Hello!<|END_OF_TURN_TOKEN|>"
     "<|START_OF_TURN_TOKEN|><|USER_TOKEN|>How are you?<|END_OF_TURN_TOKEN|>"
     "<|START_OF_TURN_TOKEN|><|CHATBOT_TOKEN|>"},
};

TEST(ChatTemplate, EveryFormatGivesItsPublishedLayout) {
  ASSERT_EQ(builtin_chat_templates().size(), kExpected.size());
  for (const ChatTemplate& t : builtin_chat_templates()) {
    SCOPED_TRACE(t.name);
    const auto it = kExpected.find(t.name);
    ASSERT_NE(it, kExpected.end()) << "no expected text for " << t.name;
    EXPECT_EQ(format_chat(t, kConversation, true), it->second);
    EXPECT_EQ(find_chat_template(t.name), &t);
    EXPECT_FALSE(t.end_of_turn.empty());
  }
  EXPECT_EQ(find_chat_template("nope"), nullptr);
  EXPECT_NE(builtin_chat_template_names().find("chatml, llama2, "), std::string::npos);
}

TEST(ChatTemplate, AssistantPrefixAndTrimming) {
  const std::vector<ChatMessage> one = {{"user", " Hi \n"}};
  EXPECT_EQ(format_chat(*find_chat_template("chatml"), one, false),
            "<|im_start|>user\n Hi \n<|im_end|>\n");
  // Families whose Jinja trims the content.
  EXPECT_EQ(format_chat(*find_chat_template("llama3"), one, false),
            "<|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|>");
  EXPECT_EQ(format_chat(*find_chat_template("llama2-sys-strip"), one, true), "[INST] Hi [/INST]");
  EXPECT_EQ(format_chat(*find_chat_template("llama2-sys"), one, true), "[INST]  Hi \n [/INST]");
  // Gemma without a system prompt.
  EXPECT_EQ(format_chat(*find_chat_template("gemma"), one, true),
            "<start_of_turn>user\nHi<end_of_turn>\n<start_of_turn>model\n");
}

TEST(ChatTemplate, DetectsFamiliesByTheirMarkers) {
  // Short pieces of the families' real templates.
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + "
       "message['content'] + '<|im_end|>' + '\\n'}}{% endfor %}",
       "chatml"},
      {"{{'<|im_start|>' + message['role'] + '<|im_sep|>' + message['content'] + '<|im_end|>'}}",
       "phi4"},
      {"{% if loop.index0 == 0 and system_message != false %}{% set content = '<<SYS>>\\n' + "
       "system_message + '\\n<</SYS>>\\n\\n' + message['content'] %}{% endif %}{% if "
       "message['role'] == 'user' %}{{ bos_token + '[INST] ' + content.strip() + ' [/INST]' }}",
       "llama2-sys-strip"},
      {"{{ bos_token + '[INST] ' + message['content'] + ' [/INST]' }}{% if message['role'] == "
       "'system' %}{{ '<<SYS>>\\n' + message['content'] + '\\n<</SYS>>\\n\\n' }}",
       "llama2-sys-bos"},
      {"{% if message['role'] == 'user' %}{{ '[INST] ' + message['content'] + ' [/INST]' }}",
       "llama2"},
      {"{%- if message['role'] == 'system' %}{{- '[SYSTEM_PROMPT]' + message['content'] + "
       "'[/SYSTEM_PROMPT]' }}{%- elif message['role'] == 'user' %}{{- '[INST]' + "
       "message['content'] + '[/INST]' }}",
       "mistral-v7"},
      {"{%- if tools %}{{- '[AVAILABLE_TOOLS] [' }}{%- endif %}{{- '[INST] ' + "
       "message['content'] + '[/INST]' }}",
       "mistral-v3"},
      {"{%- if tools %}{{- \"[AVAILABLE_TOOLS][\" }}{%- endif %}{{- \"[INST]\" + "
       "message[\"content\"] + \"[/INST]\" }}",
       "mistral-v3-tekken"},
      {"{{- bos_token }}{%- if tools %}{{- ' [AVAILABLE_TOOLS] [' }}{%- endif %}{{- ' [INST] ' "
       "+ message['content'] + ' [/INST]' }}",
       "mistral-v1"},
      {"{{ '<|start_header_id|>' + message['role'] + '<|end_header_id|>\\n\\n' + "
       "message['content'] | trim + '<|eot_id|>' }}",
       "llama3"},
      {"{{'<|' + message['role'] + '|>' + '\\n' + message['content'] + '<|end|>\\n' }}{% if "
       "add_generation_prompt %}{{ '<|assistant|>\\n' }}{% endif %}",
       "phi3"},
      {"{{ '<|user|>\\n' + message['content'] + '</s>' }}{{ '<|assistant|>\\n' }}", "falcon3"},
      {"{{ '<|user|>\\n' + message['content'] + '<|endoftext|>' }}", "zephyr"},
      {"{{ '<start_of_turn>' + role + '\\n' + message['content'] | trim + '<end_of_turn>\\n' }}",
       "gemma"},
      {"{{ 'USER: ' + message['content'] + '\\n' }}{{ 'ASSISTANT: ' + message['content'] }}",
       "vicuna"},
      {"{{ 'SYSTEM: ' + system }}{{ 'USER: ' + message['content'] }}{{ 'ASSISTANT: ' }}",
       "vicuna-orca"},
      {"{{'<｜User｜>' + message['content']}}{{'<｜Assistant｜>' + content + "
       "'<｜end▁of▁sentence｜>'}}",
       "deepseek3"},
      {"{{ '<|START_OF_TURN_TOKEN|><|USER_TOKEN|>' + message['content'] + "
       "'<|END_OF_TURN_TOKEN|>' }}",
       "command-r"},
      {"{{ '<|header_start|>' + message['role'] + '<|header_end|>\\n\\n' }}", "llama4"},
      {"gemma", "gemma"},  // a template that is a built-in name
  };
  for (const auto& [jinja, family] : cases) {
    SCOPED_TRACE(jinja);
    EXPECT_EQ(detect_chat_template_family(jinja), family);
    const ChatTemplate* t = detect_chat_template(jinja);
    ASSERT_NE(t, nullptr);
    EXPECT_EQ(t->name, family);
  }
  // A known family without a built-in format, and nothing known.
  EXPECT_EQ(detect_chat_template_family("[gMASK]<sop>{% for item in messages %}"), "chatglm4");
  EXPECT_EQ(detect_chat_template("[gMASK]<sop>{% for item in messages %}"), nullptr);
  EXPECT_EQ(detect_chat_template_family("{{ message['content'] }}"), "");
  EXPECT_EQ(detect_chat_template(""), nullptr);
}

TEST(ChatTemplate, ReadsAndDetectsTheVocabFilesTemplates) {
  for (const auto& [file, family] :
       std::vector<std::pair<std::string, std::string>>{{"ggml-vocab-qwen2.gguf", "chatml"},
                                                        {"ggml-vocab-phi-3.gguf", "phi3"},
                                                        {"ggml-vocab-llama-spm.gguf", ""}}) {
    SCOPED_TRACE(file);
    auto f = open_llm_file(test::data_path("data/vocab/" + file), false);
    ASSERT_TRUE(f.ok()) << f.status().to_string();
    EXPECT_EQ(detect_chat_template_family((*f)->chat_template), family);
    EXPECT_EQ((*f)->chat_template.empty(), family.empty());
  }
}

TEST(ChatTemplate, StopsAreTokensWhenTheVocabularyHasThem) {
  auto f = open_llm_file(test::data_path("data/vocab/ggml-vocab-qwen2.gguf"), false);
  ASSERT_TRUE(f.ok()) << f.status().to_string();
  const Vocab& vocab = *(*f)->vocab;
  const ChatStops chatml = chat_stops(*find_chat_template("chatml"), vocab);
  EXPECT_EQ(chatml.ids, (std::vector<int32_t>{vocab.eos, 151645}));  // <|im_end|>
  EXPECT_TRUE(chatml.texts.empty());
  // Qwen2's vocabulary has no <|eot_id|>: a text stop.
  const ChatStops llama3 = chat_stops(*find_chat_template("llama3"), vocab);
  EXPECT_EQ(llama3.ids, (std::vector<int32_t>{vocab.eos}));
  EXPECT_EQ(llama3.texts, (std::vector<std::string>{"<|eot_id|>"}));
}

TEST(ChatTemplate, ReplyTextStopsAtAStopTextAndNeverShowsIt) {
  ChatReplyText reply({"<|im_end|>", "</s>"});
  EXPECT_EQ(reply.add("Hel"), "Hel");
  EXPECT_EQ(reply.add("lo<|im"), "lo");  // may begin <|im_end|>
  EXPECT_EQ(reply.add("_"), "");
  EXPECT_EQ(reply.add("x <"), "<|im_x ");
  EXPECT_FALSE(reply.ended());
  EXPECT_EQ(reply.add("/s> more"), "");
  EXPECT_TRUE(reply.ended());
  EXPECT_EQ(reply.text(), "Hello<|im_x ");
  EXPECT_EQ(reply.add("after"), "");
  EXPECT_EQ(reply.finish(), "");

  ChatReplyText once({"<|im_end|>"});
  EXPECT_EQ(once.add("ab<|im_end|>cd"), "ab");
  EXPECT_TRUE(once.ended());
  ChatReplyText held({"<|im_end|>"});
  EXPECT_EQ(held.add("ab<|"), "ab");
  EXPECT_EQ(held.finish(), "<|");  // the reply ended another way
  EXPECT_EQ(held.text(), "ab<|");
}

// llama.cpp's ids with parse_special (llama_tokenize(..., parse_special =
// true)); the control ids are the vocab file's: <|im_start|> 151644,
// <|im_end|> 151645; "user" 872, "\n" 198, "hi" 6023.
TEST(SpecialTokens, ControlTokensBecomeTheirIds) {
  auto f = open_llm_file(test::data_path("data/vocab/ggml-vocab-qwen2.gguf"), false);
  ASSERT_TRUE(f.ok()) << f.status().to_string();
  const Vocab& vocab = *(*f)->vocab;
  auto tokenizer = make_tokenizer(vocab, "qwen2");
  ASSERT_TRUE(tokenizer.ok());
  ASSERT_EQ(vocab.find("<|im_start|>"), 151644);
  ASSERT_EQ(vocab.find("<|im_end|>"), 151645);
  EXPECT_EQ(tokenize_with_special(**tokenizer, vocab, "<|im_start|>user\nhi<|im_end|>"),
            (std::vector<int32_t>{151644, 872, 198, 6023, 151645}));
  // Plain tokenization splits the same text into characters' tokens.
  const std::vector<int32_t> plain = (*tokenizer)->tokenize("<|im_start|>");
  EXPECT_GT(plain.size(), 1u);
  EXPECT_EQ(tokenize_with_special(**tokenizer, vocab, "a<|im_end|><|im_end|>"),
            (std::vector<int32_t>{64, 151645, 151645}));
  EXPECT_TRUE(tokenize_with_special(**tokenizer, vocab, "").empty());
}

TEST(SpecialTokens, SentencePieceGivesEachStretchItsLeadingSpace) {
  // llama.cpp's SPM tokenizer prefixes a space to text after a special
  // token: "Hello</s>world" is ▁Hello </s> ▁world (15043 and 3186 are the
  // ids of "Hello world" in ggml-vocab-llama-spm.gguf.out).
  auto f = open_llm_file(test::data_path("data/vocab/ggml-vocab-llama-spm.gguf"), false);
  ASSERT_TRUE(f.ok()) << f.status().to_string();
  const Vocab& vocab = *(*f)->vocab;
  auto tokenizer = make_tokenizer(vocab, "llama-spm");
  ASSERT_TRUE(tokenizer.ok());
  EXPECT_EQ(tokenize_with_special(**tokenizer, vocab, "Hello</s>world"),
            (std::vector<int32_t>{15043, 2, 3186}));
  EXPECT_EQ(tokenize_with_special(**tokenizer, vocab, "<s><unk>"), (std::vector<int32_t>{1, 0}));
}

TEST(SpecialTokens, LongerPiecesWinOverOnesTheyContain) {
  Vocab v;
  v.pieces = {"<unk>", "<s>", "</s>", "<a>", "<a><b>", "\xE2\x96\x81x", "x"};
  v.types = {TokenType::kUnknown, TokenType::kControl, TokenType::kControl, TokenType::kUserDefined,
             TokenType::kControl, TokenType::kNormal,  TokenType::kNormal};
  v.unk = 0;
  v.bos = 1;
  v.eos = 2;
  ASSERT_TRUE(v.finish("test").ok());
  EXPECT_EQ(special_token_ids(v), (std::vector<int32_t>{4, 0, 2, 1, 3}));
  auto tokenizer = make_tokenizer(v, "test");
  ASSERT_TRUE(tokenizer.ok());
  EXPECT_EQ(tokenize_with_special(**tokenizer, v, "x<a><b>x<a>"),
            (std::vector<int32_t>{5, 4, 5, 3}));
}

}  // namespace
}  // namespace odin
