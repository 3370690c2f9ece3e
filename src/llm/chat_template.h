// Chat prompts without a Jinja engine: built-in formats for the common
// chat-template families (ChatML, Llama 2/3, Mistral, Phi, Gemma, ...),
// picked by name or by the markers in a model's own Jinja template
// (LlmFile::chat_template), the way llama.cpp's built-in templates are.
// A format writes the special-token markers as text ("<|im_start|>");
// tokenize the prompt with tokenize_with_special (text/special_tokens.h) so
// they become their ids. BOS is not written: the caller adds it when the
// vocabulary asks for one.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "text/vocab.h"

namespace odin {

// role: "system", "user" or "assistant" (formats with fixed role markers
// treat any other role as "user").
struct ChatMessage {
  std::string role;
  std::string content;
};

struct ChatTemplate {
  const char* name;    // "chatml"
  const char* models;  // families that use it, for help and errors
  // The prompt for `messages`; `add_assistant_prefix` ends it with what
  // opens the assistant's reply (formats whose user turn already ends with
  // it, like [/INST], add nothing).
  std::string (*format)(std::span<const ChatMessage> messages, bool add_assistant_prefix);
  // Text that ends an assistant turn ("<|im_end|>"), besides the
  // vocabulary's EOS.
  std::vector<std::string_view> end_of_turn;
};

// Every built-in format, in a fixed order.
std::span<const ChatTemplate> builtin_chat_templates();
// "chatml, llama2, ...": the names, for error messages.
std::string builtin_chat_template_names();
// Null for a name that is not built in.
const ChatTemplate* find_chat_template(std::string_view name);

// The family of a Jinja chat template, told by its distinctive markers (the
// rules and their order follow llama.cpp's llm_chat_detect_template), or the
// template itself when it is a family's name. The family may have no
// built-in format here ("chatglm4"); "" when nothing matches.
std::string_view detect_chat_template_family(std::string_view jinja);
// The built-in format of that family; null when unknown or not built in.
const ChatTemplate* detect_chat_template(std::string_view jinja);

std::string format_chat(const ChatTemplate& tmpl, std::span<const ChatMessage> messages,
                        bool add_assistant_prefix);

// When an assistant turn ends: the vocabulary's EOS and every end-of-turn
// text that is a single piece of `vocab` as ids; the other end-of-turn
// texts as strings to look for in the generated text.
struct ChatStops {
  std::vector<int32_t> ids;
  std::vector<std::string> texts;
};
ChatStops chat_stops(const ChatTemplate& tmpl, const Vocab& vocab);

// A reply's text as it streams in, cut where one of `stops` (ChatStops'
// texts) first appears; what might be the start of one is held back until
// it is not, so a stop text is never printed.
class ChatReplyText {
 public:
  explicit ChatReplyText(std::vector<std::string> stops) : stops_(std::move(stops)) {}
  // Adds `piece`; returns the text that can be shown now.
  std::string add(std::string_view piece);
  // The text held back (call when the reply ends).
  std::string finish() { return take(text_.size()); }
  // A stop text has appeared: the reply is over.
  bool ended() const { return ended_; }
  // The reply so far, without the stop text.
  const std::string& text() const { return text_; }

 private:
  std::string take(size_t end);
  std::vector<std::string> stops_;
  std::string text_;
  size_t shown_ = 0;
  bool ended_ = false;
};

}  // namespace odin
