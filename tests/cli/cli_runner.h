// Runs the odin CLI (ODIN_CLI_PATH) as a user would, for the CLI tests.
#pragma once

#include <sys/wait.h>

#include <cstdio>
#include <string>

namespace odin::test {

struct CliResult {
  int exit_code = -1;  // -1: did not exit normally
  std::string out;     // stdout, and stderr unless discarded
};

enum class Stderr { kMerge, kDiscard };

// `env` is prefixed to the command ("VAR=value"); `args` is shell text.
inline CliResult run_cli(const std::string& args, const std::string& env = "",
                         Stderr err = Stderr::kMerge) {
  std::string command = env;
  command += " '" ODIN_CLI_PATH "' ";
  command += args;
  command += err == Stderr::kMerge ? " 2>&1" : " 2>/dev/null";
  CliResult r;
  FILE* pipe = popen(command.c_str(), "r");
  if (!pipe) return r;
  char buf[4096];
  while (size_t n = fread(buf, 1, sizeof buf, pipe)) r.out.append(buf, n);
  const int status = pclose(pipe);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

// `text` in single quotes for the shell (no single quotes inside).
inline std::string quoted(const std::string& text) {
  std::string q = "'";
  q += text;
  q += "'";
  return q;
}

}  // namespace odin::test
