// odin convert IN OUT.odin: an LLM file (GGUF, llama2.c checkpoint) as
// odin's own format, with the op graph for the given context stored in it;
// --quant stores its weight matrices in another block format.
#include <cstdio>
#include <optional>

#include "cli_common.h"
#include "commands.h"
#include "llm/odin_convert.h"

namespace odin::cli {
namespace {

struct ConvertArgs {
  std::string in;
  std::string out;
  int64_t ctx = 0;
  int64_t batch = 512;
  std::string kv_type = "f16";
  std::string quant;  // empty: the weights as stored
};

std::optional<BlockFormat> quant_format(const std::string& name) {
  if (name == "q8_0") return BlockFormat::kQ8_0;
  if (name == "q4_0") return BlockFormat::kQ4_0;
  if (name == "q4_k") return BlockFormat::kQ4_K;
  if (name == "q6_k") return BlockFormat::kQ6_K;
  if (name == "m0e4") return BlockFormat::kM0E4;
  return std::nullopt;
}

int run_convert(const ConvertArgs& args) {
  LlmGraphOptions options;
  options.n_ctx = args.ctx;
  options.max_batch = args.batch;
  options.kv_dtype = *kv_cache_dtype_named(args.kv_type);  // checked by CLI::IsMember
  auto c = convert_to_odin(args.in, args.out, options, quant_format(args.quant));
  if (!c.ok()) return report(c.status());
  const OdinWriteSummary& w = c->written;
  std::printf("%s (%s) -> %s\n", args.in.c_str(), c->source.c_str(), args.out.c_str());
  if (!args.quant.empty()) {
    const LlmRequantized& r = c->requantized;
    std::printf("quantized: %lld matrices to %s, %lld to q8_0, %lld tensors unchanged\n",
                static_cast<long long>(r.to_target), args.quant.c_str(),
                static_cast<long long>(r.to_q8_0), static_cast<long long>(r.unchanged));
  }
  std::printf("tensors: %zu, %.2f MiB of data; file %.2f MiB (metadata %.2f MiB)\n", w.tensors,
              static_cast<double>(w.data_bytes) / (1 << 20),
              static_cast<double>(w.file_bytes) / (1 << 20),
              static_cast<double>(w.metadata_bytes) / (1 << 20));
  if (w.vocab_size > 0)
    std::printf("vocabulary: %d pieces\n", w.vocab_size);
  else
    std::printf("vocabulary: none\n");
  std::printf("graph: %zu nodes, context %lld, batch %lld, KV cache %s\n", w.graph_nodes,
              static_cast<long long>(c->graph.n_ctx), static_cast<long long>(c->graph.max_batch),
              args.kv_type.c_str());
  return 0;
}

std::function<int()> setup(CLI::App& app) {
  auto args = std::make_shared<ConvertArgs>();
  auto* cmd = app.add_subcommand("convert", "Convert an LLM (GGUF, llama2.c) to a .odin file");
  cmd->add_option("in", args->in, "GGUF file or llama2.c checkpoint")->required();
  cmd->add_option("out", args->out, "The .odin file to write")->required();
  cmd->add_option("-c,--ctx", args->ctx,
                  "Context the stored graph is built for (0: the model's, <= 4096)")
      ->check(CLI::Range(int64_t{0}, int64_t{1} << 20));
  cmd->add_option("-b,--batch", args->batch, "Most prompt tokens per run of the stored graph")
      ->check(CLI::Range(int64_t{1}, int64_t{65536}));
  cmd->add_option("--kv-type", args->kv_type, "KV cache type of the stored graph")
      ->check(CLI::IsMember({"f16", "f32", "q8_0"}));
  cmd->add_option("--quant", args->quant,
                  "Store the weight matrices in this format (token_embd as stored, output "
                  "q8_0; rows it does not divide q8_0)")
      ->check(CLI::IsMember({"q8_0", "q4_0", "q4_k", "q6_k", "m0e4"}));
  return [args] { return run_convert(*args); };
}

ODIN_CLI_COMMAND(29, setup);

}  // namespace
}  // namespace odin::cli
