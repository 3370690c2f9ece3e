// odin carve MODEL --out DIR [--input IN.bin ...]: every node of one real
// run as a standalone one-op .tflite with its input and output tensors
// (bench/carve.h), so any backend can be checked op by op on real data.
#include <cstdio>

#include "bench/carve.h"
#include "cli_common.h"
#include "commands.h"

namespace odin::cli {
namespace {

struct CarveArgs {
  std::string model, out;
  std::vector<std::string> inputs;
};

int run_carve(const CarveArgs& args) {
  auto graph = load_model(args.model);
  if (!graph.ok()) return report(graph.status());
  std::vector<std::vector<uint8_t>> inputs;
  for (const std::string& path : args.inputs) {
    auto bytes = read_input_file(path);
    if (!bytes.ok()) return report(bytes.status());
    inputs.push_back(std::move(*bytes));
  }
  auto carved = carve_model(std::move(*graph), inputs, args.out);
  if (!carved.ok()) return report(carved.status());
  std::printf("%d cases in %s (manifest.json)\n", carved->cases, args.out.c_str());
  for (const auto& [name, why] : carved->skipped)
    std::printf("skipped %s: %s\n", name.c_str(), why.c_str());
  return 0;
}

std::function<int()> setup(CLI::App& app) {
  auto args = std::make_shared<CarveArgs>();
  auto* cmd = app.add_subcommand(
      "carve", "Write every node of one run as a one-op .tflite with its real tensors");
  cmd->add_option("model", args->model, "Model file or zoo name")->required();
  cmd->add_option("--out", args->out, "Folder for the cases and manifest.json")->required();
  cmd->add_option("--input", args->inputs,
                  "Raw little-endian input tensor (repeat per input); default: SplitMix64 seed "
                  "1+i in [-1,1], as the reference runners");
  return [args] { return run_carve(*args); };
}

ODIN_CLI_COMMAND(47, setup);

}  // namespace
}  // namespace odin::cli
