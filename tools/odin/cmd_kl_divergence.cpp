// odin kl-divergence BASE MODEL: how far MODEL's next-token distributions
// are from BASE's (a quantized file against its float original) over the
// base model's greedy continuation of a prompt (llm/next_token_kl.h).
#include <cstdio>
#include <nlohmann/json.hpp>

#include "cli_common.h"
#include "commands.h"
#include "llm/next_token_kl.h"
#include "llm_cli.h"

namespace odin::cli {
namespace {

struct KlArgs {
  LlmCliArgs base;  // the context options apply to both models
  std::string model;
  std::string prompt = "Once upon a time";
  int64_t tokens = 256;
  bool json = false;
};

int run_kl(const KlArgs& args) {
  LlmCliArgs other = args.base;
  other.model = args.model;
  auto base = open_llm_model(args.base);
  if (!base.ok()) return report(base.status());
  auto model = open_llm_model(other);
  if (!model.ok()) return report(model.status());
  // The prompt with whichever file has a vocabulary (llama2.c files have none).
  const LlmModel& vocab_model = (*base)->tokenizer ? **base : **model;
  auto prompt = tokenize_prompt(vocab_model, args.prompt, true);
  if (!prompt.ok()) return report(prompt.status());
  auto bctx = make_llm_context(**base, args.base);
  if (!bctx.ok()) return report(bctx.status());
  auto mctx = make_llm_context(**model, other);
  if (!mctx.ok()) return report(mctx.status());
  auto r = next_token_kl(**bctx, **mctx, *prompt, args.tokens);
  if (!r.ok()) return report(r.status());
  if (args.json) {
    nlohmann::json out;
    out["positions"] = r->kl.size();
    out["kl_mean"] = r->mean;
    out["kl_max"] = r->max;
    out["top1_agreement"] = r->top1_agreement;
    out["kl"] = r->kl;
    out["tokens"] = r->tokens;
    std::printf("%s\n", collapse_number_arrays(out.dump(1)).c_str());
    return 0;
  }
  std::printf("%s vs %s: %zu positions\n", args.model.c_str(), args.base.model.c_str(),
              r->kl.size());
  std::printf("KL divergence (nats): mean %.6g, max %.6g; top-1 agreement %.1f%%\n", r->mean,
              r->max, 100.0 * r->top1_agreement);
  return 0;
}

std::function<int()> setup(CLI::App& app) {
  auto args = std::make_shared<KlArgs>();
  auto* cmd = app.add_subcommand(
      "kl-divergence", "KL divergence of an LLM's next-token distributions from a base model's");
  add_llm_options(cmd, args->base, false);
  cmd->get_option("model")->description("The base model (e.g. the F32 file)");
  cmd->add_option("other", args->model, "The model compared with it (e.g. a quantized file)")
      ->required();
  cmd->add_option("-p,--prompt", args->prompt, "Prompt the base model continues greedily");
  cmd->add_option("-n,--tokens", args->tokens, "Positions compared")
      ->check(CLI::Range(int64_t{1}, int64_t{1} << 20));
  cmd->add_flag("--json", args->json, "JSON: the summary, per-position KL and the tokens");
  return [args] { return run_kl(*args); };
}

ODIN_CLI_COMMAND(33, setup);

}  // namespace
}  // namespace odin::cli
