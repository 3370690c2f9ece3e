// The multiple-choice knapsack behind `odin quantize --mixed`: each layer
// (item) takes exactly one precision (option) with a cost (bytes or
// milliseconds) and an error; minimise the summed error with the summed
// cost within a budget.
#pragma once

#include <cstddef>
#include <span>
#include <vector>

#include "core/status.h"

namespace odin {

struct ChoiceItem {
  std::vector<double> cost;   // per option, >= 0
  std::vector<double> error;  // per option, >= 0
};

struct KnapsackSolution {
  std::vector<size_t> choice;  // the option of each item
  double cost = 0, error = 0;  // summed, unrounded
};

// Dynamic programming over a discretised budget: each item's cheapest option
// is taken as its base, and the slack S = budget - (sum of the bases) is cut
// into `steps` units of S / steps. An option's extra cost is rounded UP to
// whole units, so every solution the DP allows fits the true budget; the DP
// is exact over the rounded costs, and the rounding gives up at most
// (items x S / steps) of slack against the true optimum. When every extra
// cost is a whole number and S <= steps, the unit is 1 and it is exact.
// O(items x options x steps) time, items x steps bytes for the choices.
// Fails with kOutOfRange when even the cheapest options exceed the budget.
// On equal error the cheaper option wins.
inline constexpr size_t kKnapsackSteps = 16384;
Result<KnapsackSolution> solve_knapsack(std::span<const ChoiceItem> items, double budget,
                                        size_t steps = kKnapsackSteps);

}  // namespace odin
