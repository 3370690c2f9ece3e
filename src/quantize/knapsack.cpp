#include "quantize/knapsack.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>

namespace odin {

Result<KnapsackSolution> solve_knapsack(std::span<const ChoiceItem> items, double budget,
                                        size_t steps) {
  double base = 0;
  std::vector<double> lo(items.size());
  for (size_t i = 0; i < items.size(); ++i) {
    const ChoiceItem& it = items[i];
    if (it.cost.empty() || it.cost.size() != it.error.size() || it.cost.size() > 255)
      return make_error(StatusCode::kInvalidArgument, "knapsack item ", i, " has ", it.cost.size(),
                        " costs and ", it.error.size(), " errors");
    lo[i] = *std::min_element(it.cost.begin(), it.cost.end());
    base += lo[i];
  }
  const double slack = budget - base;
  // A little tolerance: the budget may be the sum of these very costs.
  const double tol = 1e-9 * std::max(1.0, std::fabs(budget));
  if (slack < -tol)
    return make_error(StatusCode::kOutOfRange, "the budget ", budget,
                      " is below the cheapest choice, ", base);
  bool whole = slack <= static_cast<double>(steps);
  for (size_t i = 0; i < items.size() && whole; ++i)
    for (double c : items[i].cost) whole = whole && c - lo[i] == std::floor(c - lo[i]);
  const double unit = whole ? 1.0 : std::max(slack, 0.0) / static_cast<double>(steps);
  const size_t units =
      whole ? static_cast<size_t>(std::floor(slack + tol)) : (slack > tol ? steps : 0);
  // Extra cost of option j of item i in units (too dear: more than `units`).
  auto units_of = [&](size_t i, size_t j) -> size_t {
    const double extra = items[i].cost[j] - lo[i];
    if (extra <= 0) return 0;
    if (unit <= 0) return units + 1;
    const double u = std::ceil(extra / unit - 1e-9);
    return u > static_cast<double>(units) ? units + 1 : std::max<size_t>(1, static_cast<size_t>(u));
  };

  // best[b]: the least error of the items so far with at most b units.
  const double inf = std::numeric_limits<double>::infinity();
  std::vector<double> best(units + 1, 0.0), next(units + 1);
  std::vector<uint8_t> pick(items.size() * (units + 1));
  for (size_t i = 0; i < items.size(); ++i) {
    const ChoiceItem& it = items[i];
    std::fill(next.begin(), next.end(), inf);
    uint8_t* row = &pick[i * (units + 1)];
    for (size_t j = 0; j < it.cost.size(); ++j) {
      const size_t d = units_of(i, j);
      if (d > units) continue;
      for (size_t b = d; b <= units; ++b) {
        const double e = best[b - d] + it.error[j];
        const bool cheaper_tie = e == next[b] && d < units_of(i, row[b]);
        if (e < next[b] || cheaper_tie) {
          next[b] = e;
          row[b] = static_cast<uint8_t>(j);
        }
      }
    }
    best.swap(next);
  }
  KnapsackSolution sol;
  sol.choice.resize(items.size());
  size_t b = units;
  for (size_t i = items.size(); i-- > 0;) {
    const size_t j = pick[i * (units + 1) + b];
    sol.choice[i] = j;
    b -= units_of(i, j);
    sol.cost += items[i].cost[j];
    sol.error += items[i].error[j];
  }
  return sol;
}

}  // namespace odin
