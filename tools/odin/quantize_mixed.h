// `odin quantize --mixed --budget B`: the sensitivity pass, the knapsack's
// choice within the budget, its accuracy/size/latency curve, printed and as
// JSON (src/quantize/mixed_precision.h does the work).
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/graph.h"
#include "quantize/budget.h"
#include "quantize/calibration.h"

namespace odin::cli {

struct MixedArgs {
  Budget budget;
  std::string budget_text;
  size_t curve_points = 9;
  int timing_runs = 10;
  bool per_channel = true;
  bool print = true;  // else only `json`
};

// The mixed graph chosen within the budget; the report goes to stdout
// (args.print) and into `json`.
Result<Graph> quantize_mixed(const Graph& prepared,
                             std::span<const std::optional<ValueRange>> ranges,
                             const std::vector<std::vector<float>>& inputs, const MixedArgs& args,
                             nlohmann::ordered_json& json);

}  // namespace odin::cli
