#include "llm/chat.h"

#include <algorithm>

#include "llm/text_stream.h"
#include "text/special_tokens.h"

namespace odin {
namespace {

// The built-in format the file's template names.
Result<const ChatTemplate*> template_of_file(const LlmFile& file, std::string_view how_to_name) {
  const std::string& jinja = file.chat_template;
  const std::string hint =
      str_cat("; name one with ", how_to_name, ", one of: ", builtin_chat_template_names());
  if (jinja.empty())
    return make_error(StatusCode::kInvalidArgument,
                      "the model file has no chat template (tokenizer.chat_template)", hint);
  if (const ChatTemplate* t = detect_chat_template(jinja)) return t;
  const std::string_view family = detect_chat_template_family(jinja);
  if (!family.empty())
    return make_error(StatusCode::kUnsupported, "the model's chat template looks like '", family,
                      "', which has no built-in format", hint);
  return make_error(StatusCode::kUnsupported,
                    "the model's chat template (tokenizer.chat_template) is not one odin "
                    "recognizes",
                    hint);
}

}  // namespace

Result<const ChatTemplate*> named_chat_template(std::string_view name) {
  if (const ChatTemplate* t = find_chat_template(name)) return t;
  return make_error(StatusCode::kInvalidArgument, "unknown chat template '", name,
                    "'; the built-in ones are: ", builtin_chat_template_names());
}

Result<ChatFormat> chat_format(const LlmModel& model, std::string_view name,
                               std::string_view how_to_name) {
  if (!model.tokenizer)
    return make_error(StatusCode::kInvalidArgument,
                      "the model file has no vocabulary (llama2.c checkpoints keep it "
                      "apart); chat needs one");
  auto tmpl = name.empty() ? template_of_file(*model.file, how_to_name) : named_chat_template(name);
  if (!tmpl.ok()) return tmpl.status();
  ChatFormat format;
  format.tmpl = *tmpl;
  format.stops = chat_stops(*format.tmpl, *model.file->vocab);
  return format;
}

std::vector<int32_t> chat_prompt_ids(const LlmModel& model, const ChatFormat& format,
                                     std::span<const ChatMessage> messages) {
  const Vocab& vocab = *model.file->vocab;
  std::vector<int32_t> ids;
  if (vocab.add_bos && vocab.bos != kNoToken) ids.push_back(vocab.bos);
  for (int32_t id :
       tokenize_with_special(*model.tokenizer, vocab, format_chat(*format.tmpl, messages, true)))
    ids.push_back(id);
  return ids;
}

Result<ChatReply> generate_chat_reply(LlmContext& context, std::span<const int32_t> prompt,
                                      const ChatFormat& format, GenerateOptions options,
                                      const std::function<bool(const std::string&)>& on_text) {
  const LlmModel& model = context.model();
  const int64_t used = context.position() + static_cast<int64_t>(prompt.size());
  const int64_t room = model.info.n_ctx - used;
  if (room < 1)
    return make_error(StatusCode::kOutOfRange, "the conversation (", used,
                      " tokens) does not fit the context of ", model.info.n_ctx,
                      " tokens; start again with a larger context");
  options.max_tokens = static_cast<int32_t>(std::min<int64_t>(options.max_tokens, room));
  const std::vector<int32_t>& stop_ids = format.stops.ids;
  options.stop_ids = stop_ids;
  // The reply is read on its own (not after the prompt), as its own text.
  TextStream stream(model.tokenizer.get());
  ChatReplyText reply(format.stops.texts);
  options.on_token = [&](int32_t id) {
    if (std::find(stop_ids.begin(), stop_ids.end(), id) != stop_ids.end()) return true;
    return on_text(reply.add(stream.next(id))) && !reply.ended();
  };
  auto generated = generate(context, prompt, options);
  if (!generated.ok()) return generated.status();
  on_text(reply.finish());
  return ChatReply{reply.text(), std::move(generated).value()};
}

}  // namespace odin
