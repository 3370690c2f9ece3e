// odin chat MODEL: a conversation with an instruction-tuned LLM, one user
// turn per line of stdin (EOF ends it), each reply streamed to stdout. The
// prompt is the whole conversation in the model's chat format (a built-in
// one, picked by the file's template or --chat-template); the KV cache keeps
// the conversation, so a turn feeds only the tokens past the prefix the
// context already holds.
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <iostream>
#include <random>
#include <string>
#include <vector>

#include "cli_common.h"
#include "commands.h"
#include "llm/chat_template.h"
#include "llm/llm_context.h"
#include "llm_cli.h"
#include "text/special_tokens.h"

namespace odin::cli {
namespace {

struct ChatArgs {
  LlmCliArgs llm;
  std::string chat_template;
  std::string system;
  int32_t n_predict = 512;
};

// The built-in format the file's template names.
Result<const ChatTemplate*> template_of_file(const LlmModel& model) {
  const std::string& jinja = model.file->chat_template;
  const std::string hint =
      "; name one with --chat-template NAME, one of: " + builtin_chat_template_names();
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

int run_chat(const ChatArgs& args) {
  // A bad name fails before the model loads.
  const ChatTemplate* named = nullptr;
  if (!args.chat_template.empty()) {
    named = find_chat_template(args.chat_template);
    if (!named)
      return report(make_error(StatusCode::kInvalidArgument, "unknown chat template '",
                               args.chat_template,
                               "'; the built-in ones are: ", builtin_chat_template_names()));
  }
  auto model = open_llm_model(args.llm);
  if (!model.ok()) return report(model.status());
  const LlmModel& m = **model;
  if (!m.tokenizer)
    return report(make_error(StatusCode::kInvalidArgument,
                             "the model file has no vocabulary (llama2.c checkpoints keep it "
                             "apart); chat needs one"));
  if (!named) {
    auto from_file = template_of_file(m);
    if (!from_file.ok()) return report(from_file.status());
    named = *from_file;
  }
  const ChatTemplate& format = *named;
  auto ctx = make_llm_context(m, args.llm);
  if (!ctx.ok()) return report(ctx.status());
  LlmContext& context = **ctx;

  const Vocab& vocab = *m.file->vocab;
  const ChatStops stops = chat_stops(format, vocab);
  std::fprintf(stderr, "odin: chat template %s (%s)\n", format.name,
               args.chat_template.empty() ? "from the model file" : "--chat-template");
  uint64_t seed = args.llm.sampler.seed;
  if (!args.llm.seed_given) seed = std::random_device{}();

  std::vector<ChatMessage> messages;
  if (!args.system.empty()) messages.push_back({"system", args.system});
  // The ids whose keys and values the context holds, in order.
  std::vector<int32_t> cached;
  const bool interactive = isatty(STDIN_FILENO) != 0;
  std::string line;
  for (int turn = 1;;) {
    if (interactive) {
      std::fputs("> ", stdout);
      std::fflush(stdout);
    }
    if (!std::getline(std::cin, line)) break;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    messages.push_back({"user", line});
    std::vector<int32_t> ids;
    if (vocab.add_bos && vocab.bos != kNoToken) ids.push_back(vocab.bos);
    for (int32_t id :
         tokenize_with_special(*m.tokenizer, vocab, format_chat(format, messages, true)))
      ids.push_back(id);

    // Keep the longest prefix the context already holds (the reply's text
    // may tokenize differently from the ids generated, so the match can end
    // inside the last reply); at least one id is fed, for its logits.
    size_t keep = 0;
    while (keep < cached.size() && keep + 1 < ids.size() && cached[keep] == ids[keep]) ++keep;
    context.truncate(static_cast<int64_t>(keep));
    cached.resize(keep);
    const int64_t room = m.info.n_ctx - static_cast<int64_t>(ids.size());
    if (room < 1)
      return report(make_error(StatusCode::kOutOfRange, "the conversation (", ids.size(),
                               " tokens) no longer fits the context of ", m.info.n_ctx,
                               " tokens; start again with a larger -c"));

    GenerateOptions go;
    go.max_tokens = static_cast<int32_t>(std::min<int64_t>(args.n_predict, room));
    go.sampler = args.llm.sampler;
    go.sampler.seed = seed + static_cast<uint64_t>(turn);
    go.stop_ids = stops.ids;
    TextStream stream(m);
    ChatReplyText reply(stops.texts);
    go.on_token = [&](int32_t id) {
      if (std::find(stops.ids.begin(), stops.ids.end(), id) != stops.ids.end()) return true;
      std::fputs(reply.add(stream.next(id)).c_str(), stdout);
      std::fflush(stdout);
      return !reply.ended();
    };
    const std::span<const int32_t> fed = std::span<const int32_t>(ids).subspan(keep);
    auto result = generate(context, fed, go);
    if (!result.ok()) return report(result.status());
    const GenerateResult& r = *result;
    std::fputs(reply.finish().c_str(), stdout);
    std::fputs("\n", stdout);
    std::fflush(stdout);
    // The context holds the prompt and the generated ids but the last one
    // (sampled, never fed).
    cached = ids;
    cached.insert(cached.end(), r.ids.begin(), r.ids.end() - 1);
    messages.push_back({"assistant", reply.text()});

    const double pp = r.prompt_ms > 0 ? fed.size() * 1000.0 / r.prompt_ms : 0.0;
    const double tg =
        r.generate_ms > 0 && r.ids.size() > 1 ? (r.ids.size() - 1) * 1000.0 / r.generate_ms : 0.0;
    std::fprintf(stderr,
                 "odin: turn %d: prompt %zu tokens (%zu fed, %zu reused), %.1f tokens/s; "
                 "reply %zu tokens, %.1f tokens/s\n",
                 turn++, ids.size(), fed.size(), keep, pp, r.ids.size(), tg);
  }
  if (interactive) std::fputs("\n", stdout);
  return 0;
}

std::function<int()> setup(CLI::App& app) {
  auto args = std::make_shared<ChatArgs>();
  auto* cmd = app.add_subcommand(
      "chat", "Chat with an LLM: one user turn per line of stdin, replies on stdout");
  add_llm_options(cmd, args->llm);
  cmd->add_option("--chat-template", args->chat_template,
                  "Chat format, overriding the file's template: " + builtin_chat_template_names());
  cmd->add_option("--system", args->system, "System prompt");
  cmd->add_option("-n,--n-predict", args->n_predict, "Most tokens per reply")
      ->check(CLI::Range(1, 1 << 20));
  return [args] { return run_chat(*args); };
}

ODIN_CLI_COMMAND(28, setup);

}  // namespace
}  // namespace odin::cli
