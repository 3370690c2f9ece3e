// odin bench-llm MODEL --draft DRAFT: greedy generation by the target alone
// and with speculation planned within budgets from no limit down to none
// (fractions of the unconstrained plan's extra memory): tokens/s,
// acceptance, the plan and the process's peak memory for each.
#pragma once

#include <string>
#include <vector>

#include "llm_cli.h"

namespace odin::cli {

struct SpeculativeBenchArgs {
  LlmCliArgs llm;  // model, --draft / --lookup, --draft-max
  std::vector<int> threads;
  int32_t generate = 128;
  int reps = 3;
  std::string prompt;  // text (the default is a story's opening)
  std::vector<double> budget_fractions = {1.0, 0.5, 0.25, 0.1, 0.0};
  bool json = false;
};

int run_speculative_bench(const SpeculativeBenchArgs& args);

}  // namespace odin::cli
