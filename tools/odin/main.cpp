// odin: run, inspect and check on-device ML models from the command line.
#include <CLI/CLI.hpp>

#include "commands.h"

int main(int argc, char** argv) {
  CLI::App app{"odin: on-device inference runtime"};
  app.require_subcommand(1);

  odin::cli::InspectArgs inspect;
  auto* inspect_cmd = app.add_subcommand("inspect", "Show a model's inputs, outputs and nodes");
  inspect_cmd->add_option("model", inspect.model, "Model file or zoo name")->required();
  inspect_cmd->add_flag("!--no-nodes", inspect.nodes, "Omit the per-node table");

  odin::cli::RunArgs run;
  auto* run_cmd = app.add_subcommand("run", "Run a model on raw tensors or a photo");
  run_cmd->add_option("model", run.model, "Model file or zoo name")->required();
  auto* in_opt = run_cmd->add_option("--input", run.inputs,
                                     "Raw little-endian input tensor file (repeat per input)");
  run_cmd
      ->add_option("--image", run.image,
                   "Photo (PNG/JPEG/BMP) resized to the input, scaled to [-1,1]")
      ->excludes(in_opt);
  run_cmd->add_option("--output-dir", run.output_dir, "Write output_<i>.bin and meta.json here");
  run_cmd->add_flag("--profile", run.profile, "Print run time and arena size");
  run_cmd->add_option("--score-output", run.score_output,
                      "Print the highest score of this output (sigmoid of its largest logit)");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  if (*inspect_cmd) return odin::cli::run_inspect(inspect);
  if (*run_cmd) return odin::cli::run_run(run);
  return 1;
}
