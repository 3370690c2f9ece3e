// odin build-model ARCH --out FILE.tflite [--seed N] [--fp16]: writes an
// architecture (src/model_builder/architectures.h) with seeded weights as a
// .tflite file of builtin ops that any TFLite runtime runs.
#include <cstdio>
#include <fstream>

#include "cli_common.h"
#include "commands.h"
#include "model_builder/architectures.h"

namespace odin::cli {
namespace {

struct BuildModelArgs {
  std::string arch;
  std::string out;
  uint64_t seed = 1;
  bool fp16 = false;
  bool list = false;
};

int run_build_model(const BuildModelArgs& args) {
  if (args.list || args.arch.empty()) {
    for (const Architecture& a : architectures()) std::printf("%-16s %s\n", a.name, a.description);
    return args.list ? 0 : report(make_error(StatusCode::kInvalidArgument, "no ARCH given"));
  }
  if (args.out.empty())
    return report(make_error(StatusCode::kInvalidArgument, "--out is required"));
  ModelBuildOptions options;
  options.seed = args.seed;
  options.fp16 = args.fp16;
  auto bytes = build_architecture_tflite(args.arch, options);
  if (!bytes.ok()) return report(bytes.status());
  std::ofstream f(args.out, std::ios::binary);
  f.write(reinterpret_cast<const char*>(bytes->data()),
          static_cast<std::streamsize>(bytes->size()));
  if (!f.flush()) return report(make_error(StatusCode::kIo, "cannot write ", args.out));
  std::printf("%s (seed %llu, %s weights) -> %s, %.2f MiB\n", args.arch.c_str(),
              static_cast<unsigned long long>(args.seed), args.fp16 ? "fp16" : "fp32",
              args.out.c_str(), static_cast<double>(bytes->size()) / (1 << 20));
  return 0;
}

std::function<int()> setup(CLI::App& app) {
  auto args = std::make_shared<BuildModelArgs>();
  auto* cmd = app.add_subcommand("build-model",
                                 "Write an architecture with seeded weights as a .tflite file");
  cmd->add_option("arch", args->arch, "Architecture (--list shows them)");
  cmd->add_option("-o,--out", args->out, "The .tflite file to write");
  cmd->add_option("--seed", args->seed, "SplitMix64 seed of the weights");
  cmd->add_flag("--fp16", args->fp16, "Store the weights as fp16 (DEQUANTIZE nodes)");
  cmd->add_flag("--list", args->list, "List the architectures");
  return [args] { return run_build_model(*args); };
}

ODIN_CLI_COMMAND(42, setup);

}  // namespace
}  // namespace odin::cli
