// odin tokenize MODEL TEXT: the token ids (and pieces) of TEXT with the
// vocabulary of an LLM file, as the model would see them (no BOS).
#include <cstdio>
#include <nlohmann/json.hpp>

#include "cli_common.h"
#include "commands.h"
#include "format/llm/llm_file.h"
#include "text/tokenizer.h"

namespace odin::cli {
namespace {

struct TokenizeArgs {
  std::string model;
  std::string text;
  bool json = false;
  bool bos = false;
};

int run_tokenize(const TokenizeArgs& args) {
  auto file = open_llm_file(args.model, false);
  if (!file.ok()) return report(file.status());
  if (!(*file)->vocab)
    return report(make_error(StatusCode::kInvalidArgument, args.model,
                             ": the file has no vocabulary (llama2.c checkpoints keep it in a "
                             "separate tokenizer.bin; use the model's GGUF)"));
  const Vocab& vocab = *(*file)->vocab;
  auto tokenizer = make_tokenizer(vocab, args.model);
  if (!tokenizer.ok()) return report(tokenizer.status());
  std::vector<int32_t> ids;
  if (args.bos && vocab.bos != kNoToken) ids.push_back(vocab.bos);
  for (int32_t id : (*tokenizer)->tokenize(args.text)) ids.push_back(id);
  if (args.json) {
    nlohmann::json out;
    out["ids"] = ids;
    nlohmann::json pieces = nlohmann::json::array();
    for (int32_t id : ids) pieces.push_back(vocab.pieces[static_cast<size_t>(id)]);
    out["pieces"] = pieces;
    out["text"] = (*tokenizer)->detokenize(ids);
    // Hostile vocabularies may hold invalid UTF-8: replaced, not thrown.
    std::printf("%s\n", out.dump(2, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
    return 0;
  }
  for (size_t i = 0; i < ids.size(); ++i) std::printf("%s%d", i ? " " : "", ids[i]);
  std::printf("\n");
  return 0;
}

std::function<int()> setup(CLI::App& app) {
  auto args = std::make_shared<TokenizeArgs>();
  auto* cmd = app.add_subcommand("tokenize", "Token ids of a text with an LLM's vocabulary");
  cmd->add_option("model", args->model, "GGUF file (a model or a vocabulary-only file)")
      ->required();
  cmd->add_option("text", args->text, "Text to tokenize")->required();
  cmd->add_flag("--json", args->json, "JSON: ids, their pieces and the text they decode to");
  cmd->add_flag("--bos", args->bos, "Start with the BOS token, as generation does");
  return [args] { return run_tokenize(*args); };
}

ODIN_CLI_COMMAND(25, setup);

}  // namespace
}  // namespace odin::cli
