// odin: run, inspect and check on-device ML models from the command line.
#include <algorithm>

#include "commands.h"

namespace odin::cli {

std::vector<CommandEntry>& command_registry() {
  static std::vector<CommandEntry> entries;
  return entries;
}

bool register_command(int order, CommandSetup setup) {
  command_registry().push_back({order, std::move(setup)});
  return true;
}

}  // namespace odin::cli

int main(int argc, char** argv) {
  CLI::App app{"odin: on-device inference runtime"};
  app.require_subcommand(1);
  auto entries = odin::cli::command_registry();
  std::sort(entries.begin(), entries.end(),
            [](const auto& a, const auto& b) { return a.order < b.order; });
  std::vector<std::pair<CLI::App*, std::function<int()>>> verbs;
  for (const auto& e : entries) {
    auto runner = e.setup(app);
    verbs.emplace_back(app.get_subcommands([](CLI::App*) { return true; }).back(),
                       std::move(runner));
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  for (auto& [sub, runner] : verbs)
    if (sub->parsed()) return runner();
  return 1;
}
