// The odin CLI's verbs and their parsed arguments.
#pragma once

#include <string>
#include <vector>

namespace odin::cli {

struct InspectArgs {
  std::string model;
  bool nodes = true;
};
int run_inspect(const InspectArgs& args);

struct RunArgs {
  std::string model;
  std::vector<std::string> inputs;  // raw little-endian tensor files
  std::string image;                // or: a photo resized to the input
  std::string output_dir;
  bool profile = false;
  int score_output = -1;  // print the highest sigmoid score of this output
};
int run_run(const RunArgs& args);

}  // namespace odin::cli
