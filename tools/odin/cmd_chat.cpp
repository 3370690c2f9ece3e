// odin chat MODEL: a conversation with an instruction-tuned LLM, one user
// turn per line of stdin (EOF ends it), each reply streamed to stdout. The
// prompt is the whole conversation in the model's chat format (a built-in
// one, picked by the file's template or --chat-template); the KV cache keeps
// the conversation, so a turn feeds only the tokens past the prefix the
// context already holds.
#include <unistd.h>

#include <cstdio>
#include <iostream>
#include <random>
#include <string>
#include <vector>

#include "cli_common.h"
#include "commands.h"
#include "llm/chat.h"
#include "llm/llm_context.h"
#include "llm_cli.h"

namespace odin::cli {
namespace {

struct ChatArgs {
  LlmCliArgs llm;
  std::string chat_template;
  std::string system;
  int32_t n_predict = 512;
};

int run_chat(const ChatArgs& args) {
  // A bad name fails before the model loads.
  if (!args.chat_template.empty())
    if (auto named = named_chat_template(args.chat_template); !named.ok())
      return report(named.status());
  auto model = open_llm_models(args.llm);
  if (!model.ok()) return report(model.status());
  // A draft keeps its own cache of the conversation, trimmed to what it
  // shares with the target's each turn (llm/draft_model.h).
  auto spec = make_speculation(*model, args.llm);
  if (!spec.ok()) return report(spec.status());
  if (args.llm.speculative())
    std::fprintf(stderr, "odin: speculation: %s\n", describe(spec->plan).c_str());
  const LlmModel& m = *model->target;
  auto chosen = chat_format(m, args.chat_template, "--chat-template NAME");
  if (!chosen.ok()) return report(chosen.status());
  const ChatFormat& format = *chosen;
  auto ctx = make_llm_context(m, args.llm);
  if (!ctx.ok()) return report(ctx.status());
  LlmContext& context = **ctx;

  std::fprintf(stderr, "odin: chat template %s (%s)\n", format.tmpl->name,
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
    const std::vector<int32_t> ids = chat_prompt_ids(m, format, messages);

    // Keep the longest prefix the context already holds (the reply's text
    // may tokenize differently from the ids generated, so the match can end
    // inside the last reply); at least one id is fed, for its logits.
    size_t keep = 0;
    while (keep < cached.size() && keep + 1 < ids.size() && cached[keep] == ids[keep]) ++keep;
    context.truncate(static_cast<int64_t>(keep));
    cached.resize(keep);

    GenerateOptions go;
    go.max_tokens = args.n_predict;
    go.ubatch = args.llm.ubatch;
    go.sampler = args.llm.sampler;
    go.sampler.seed = seed + static_cast<uint64_t>(turn);
    spec->apply(go);
    const std::span<const int32_t> fed = std::span<const int32_t>(ids).subspan(keep);
    auto result = generate_chat_reply(context, fed, format, go, [](const std::string& text) {
      std::fputs(text.c_str(), stdout);
      std::fflush(stdout);
      return true;
    });
    if (!result.ok()) return report(result.status());
    const GenerateResult& r = result->generated;
    std::fputs("\n", stdout);
    std::fflush(stdout);
    // The context holds the prompt and the generated ids but the last one
    // (sampled, never fed).
    cached = ids;
    cached.insert(cached.end(), r.ids.begin(), r.ids.end() - 1);
    messages.push_back({"assistant", result->text});

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
  add_speculation_options(cmd, args->llm);
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
