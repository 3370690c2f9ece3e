// A chat with an LLM, as `odin chat` and the Python package's LLM.chat run
// it (one definition for both): the format (a built-in one, named or picked
// by the model file's template) and its stops, a conversation's prompt ids,
// and one assistant reply generated up to a stop. The formats themselves
// are chat_template.h's.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "llm/chat_template.h"
#include "llm/llm_context.h"

namespace odin {

// The built-in format called `name`; INVALID_ARGUMENT listing the built-in
// ones when there is none.
Result<const ChatTemplate*> named_chat_template(std::string_view name);

// A model's chat format and when its replies end.
struct ChatFormat {
  const ChatTemplate* tmpl = nullptr;
  ChatStops stops;
};

// The format called `name`, or when `name` is empty the one the model
// file's template (tokenizer.chat_template) names. Errors: the file has no
// vocabulary, an unknown name, no template or one odin has no format for;
// these say how to name one (`how_to_name`: "--chat-template NAME").
Result<ChatFormat> chat_format(const LlmModel& model, std::string_view name,
                               std::string_view how_to_name);

// The prompt of `messages`: BOS when the vocabulary asks for one, then the
// conversation in `format`, ending with what opens the assistant's reply,
// its special-token markers as their ids. `model` has a vocabulary (as
// chat_format checked).
std::vector<int32_t> chat_prompt_ids(const LlmModel& model, const ChatFormat& format,
                                     std::span<const ChatMessage> messages);

struct ChatReply {
  std::string text;          // the reply, without its stop
  GenerateResult generated;  // ids (the last one sampled, not fed) and times
};

// Feeds `prompt` after what `context` holds and generates the assistant's
// reply: at most options.max_tokens tokens (fewer when the context fills),
// ending at a stop id or text of `format` (neither is part of the reply)
// or when `on_text` returns false. `on_text` gets the reply's text as it
// can be shown (stop texts held back until ruled out), possibly "" pieces.
// OUT_OF_RANGE when the prompt leaves no room in the context.
Result<ChatReply> generate_chat_reply(LlmContext& context, std::span<const int32_t> prompt,
                                      const ChatFormat& format, GenerateOptions options,
                                      const std::function<bool(const std::string&)>& on_text);

}  // namespace odin
