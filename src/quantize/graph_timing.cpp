#include "quantize/graph_timing.h"

#include <algorithm>
#include <chrono>
#include <limits>

#include "quantize/mixed_graph.h"

namespace odin {

Result<GraphTiming> time_graph(const Graph& prepared, const Graph& built, const Sample& sample,
                               SessionOptions options, int runs) {
  // The whole run without the profile, whose per-node clocks cost most on
  // graphs of many small nodes (an int8 graph's conversions).
  double total = std::numeric_limits<double>::infinity();
  {
    ODIN_ASSIGN_OR_RETURN(auto plain, Session::create(built, options));
    ODIN_RETURN_IF_ERROR(run_sample(*plain, sample));  // warm-up
    for (int r = 0; r < std::max(runs, 1); ++r) {
      const auto start = std::chrono::steady_clock::now();
      ODIN_RETURN_IF_ERROR(run_sample(*plain, sample));
      const std::chrono::duration<double, std::milli> took =
          std::chrono::steady_clock::now() - start;
      total = std::min(total, took.count());
    }
  }
  options.profile = true;
  ODIN_ASSIGN_OR_RETURN(auto s, Session::create(built, options));
  ODIN_RETURN_IF_ERROR(run_sample(*s, sample));  // warm-up
  const std::vector<int> source = source_nodes(prepared, s->graph());
  const double inf = std::numeric_limits<double>::infinity();
  std::vector<double> least(source.size(), inf);
  GraphTiming t;
  t.total_ms = total;
  for (int r = 0; r < std::max(runs, 1); ++r) {
    ODIN_RETURN_IF_ERROR(run_sample(*s, sample));
    const std::vector<double>& ms = s->node_times_ms();
    for (size_t n = 0; n < least.size() && n < ms.size(); ++n) least[n] = std::min(least[n], ms[n]);
  }
  t.node_ms.assign(prepared.num_nodes(), 0.0);
  for (size_t n = 0; n < source.size(); ++n) {
    const double ms = least[n] == inf ? 0.0 : least[n];
    if (source[n] < 0)
      t.conversion_ms += ms;
    else
      t.node_ms[static_cast<size_t>(source[n])] += ms;
  }
  return t;
}

}  // namespace odin
