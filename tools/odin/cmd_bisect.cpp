// odin bisect MODEL --backend B [--input IN.bin ...] [--tolerance T]: the
// first node whose output on backend B leaves the reference run's, with its
// values, and whether it is wrong alone (bench/bisect.h).
#include <cstdio>

#include "bench/bisect.h"
#include "cli_common.h"
#include "commands.h"

namespace odin::cli {
namespace {

struct BisectArgs {
  std::string model, backend;
  std::vector<std::string> inputs;
  double tolerance = 1e-4;
};

int run_bisect(const BisectArgs& args) {
  auto graph = load_model(args.model);
  if (!graph.ok()) return report(graph.status());
  BisectOptions options;
  options.backend = args.backend;
  options.tolerance = args.tolerance;
  for (const std::string& path : args.inputs) {
    auto bytes = read_input_file(path);
    if (!bytes.ok()) return report(bytes.status());
    options.inputs.push_back(std::move(*bytes));
  }
  auto r = bisect_model(*graph, options);
  if (!r.ok()) return report(r.status());
  if (!r->found) {
    std::printf("all %zu float tensors within rel_range %g of the reference on %s\n", r->nodes,
                args.tolerance, args.backend.c_str());
    return 0;
  }
  std::printf("first node off the reference: node %d %s '%s' (ran on %s)\n", r->node, r->op.c_str(),
              r->name.c_str(), r->ran_on.c_str());
  std::printf("  rel_range %.3g (tolerance %g), max |diff| %.6g at element %zu\n", r->rel_range,
              args.tolerance, r->max_abs, r->worst);
  std::printf("  reference:");
  for (float v : r->want) std::printf(" %.6g", v);
  std::printf("\n  %s:", args.backend.c_str());
  for (float v : r->got) std::printf(" %.6g", v);
  std::printf(
      "\n  alone with the reference's inputs: rel_range %.3g: %s\n", r->alone_rel_range,
      r->wrong_alone ? "the kernel is wrong" : "right (error carried in from earlier nodes)");
  return 3;  // found: a distinct exit code for scripts
}

std::function<int()> setup(CLI::App& app) {
  auto args = std::make_shared<BisectArgs>();
  auto* cmd = app.add_subcommand(
      "bisect", "Find the first node whose output on a backend leaves the reference run's");
  cmd->add_option("model", args->model, "Model file or zoo name")->required();
  cmd->add_option("--backend", args->backend, "The backend to check (vulkan, cpu, ...)")
      ->required();
  cmd->add_option("--input", args->inputs,
                  "Raw little-endian input tensor (repeat per input); default: SplitMix64 seed "
                  "1+i in [-1,1], as the reference runners");
  cmd->add_option("--tolerance", args->tolerance, "Largest rel_range (max|diff| / max|ref|)")
      ->check(CLI::PositiveNumber);
  return [args] { return run_bisect(*args); };
}

ODIN_CLI_COMMAND(48, setup);

}  // namespace
}  // namespace odin::cli
