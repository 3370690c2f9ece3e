// The odin CLI's verbs. Each verb lives in its own cmd_<verb>.cpp and
// registers itself with ODIN_CLI_COMMAND, so adding a verb touches no other
// file.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <string>
#include <vector>

namespace odin::cli {

// Adds the verb's subcommand to `app`; returns the function that runs it
// (after parsing) and returns the process exit code.
using CommandSetup = std::function<std::function<int()>(CLI::App& app)>;

struct CommandEntry {
  int order;  // position in --help
  CommandSetup setup;
};

std::vector<CommandEntry>& command_registry();
bool register_command(int order, CommandSetup setup);

}  // namespace odin::cli

#define ODIN_CLI_COMMAND(order, setup_fn) \
  static const bool odin_cli_registered_ = ::odin::cli::register_command(order, setup_fn)
