// Mixed precision from a sensitivity pass (issue 11, "MixDQ"): each node
// that can take more than one precision (mixed_graph.h) is measured alone at
// each of them, everything else float (its output error against the float
// graph, its constants' bytes, its time on this machine); then a
// multiple-choice knapsack (knapsack.h) picks the precisions with the least
// summed error within a size or latency budget.
#pragma once

#include <array>
#include <functional>
#include <optional>
#include <span>
#include <vector>

#include "core/graph.h"
#include "quantize/budget.h"
#include "quantize/calibration.h"
#include "quantize/mixed_graph.h"
#include "quantize/output_error.h"

namespace odin {

struct MixedLayer {
  NodeId node = 0;                    // in the prepared graph
  std::vector<Precision> precisions;  // its candidates, in Precision's order
  // Per candidate: the output error (OutputErrorMeter) with only this node
  // at it, its constants' bytes, its time in the graph with every node at
  // that precision where it can take it.
  std::vector<double> error, bytes, latency_ms;
};

struct MixedOptions {
  bool per_channel = true;
  int timing_runs = 10;  // per timed graph, after a warm-up
  SessionOptions session;
  // The size of a graph as written (the CLI writes .tflite); null: the
  // additive estimate.
  std::function<Result<size_t>(const Graph&)> file_bytes;
};

// One mixed graph, measured.
struct MixedModel {
  std::vector<Precision> per_node;  // per node of the prepared graph
  Graph graph;
  double bytes = 0;                                // file_bytes, else the estimate
  double latency_ms = 0;                           // measured, the fastest of the runs
  double proxy_error = 0;                          // the sum of the chosen sensitivities
  double error = 0;                                // measured, as the sensitivities are
  std::array<size_t, kNumPrecisions> layers_at{};  // layers at each Precision
};

class MixedPlanner {
 public:
  // Runs the sensitivity pass: about (layers x 2) graph builds and sessions,
  // each run on every sample, plus three timed graphs.
  static Result<MixedPlanner> create(const Graph& prepared,
                                     std::span<const std::optional<ValueRange>> ranges,
                                     std::vector<Sample> samples, MixedOptions options);

  const std::vector<MixedLayer>& layers() const { return layers_; }
  // The additive model's cost outside the layers (the rest of the file,
  // the nodes with one precision, the conversions; calibrate_fixed_costs).
  double fixed_cost(Budget::Kind kind) const;
  // The additive model's least and greatest total cost.
  double min_cost(Budget::Kind kind) const;
  double max_cost(Budget::Kind kind) const;

  // The knapsack's choice within `budget` under the additive model.
  Result<std::vector<Precision>> solve(const Budget& budget) const;
  Result<MixedModel> evaluate(std::vector<Precision> per_node) const;
  // solve() then evaluate(); while the measured size or latency exceeds the
  // budget the additive model missed by, the budget given to the knapsack
  // shrinks by the excess (at most 4 times). `met` says whether it fits.
  Result<MixedModel> choose(const Budget& budget, bool* met) const;
  // The knapsack's solutions at `points` budgets evenly from min_cost to
  // max_cost, each measured.
  Result<std::vector<MixedModel>> curve(Budget::Kind kind, size_t points) const;

 private:
  double cost(const MixedLayer& l, size_t option, Budget::Kind kind) const;
  double extreme_cost(Budget::Kind kind, bool dearest) const;
  Status calibrate_fixed_costs();
  std::vector<Precision> uniform(Precision p) const;

  const Graph* prepared_ = nullptr;
  std::span<const std::optional<ValueRange>> ranges_;
  MixedOptions options_;
  std::optional<OutputErrorMeter> meter_;
  std::vector<MixedLayer> layers_;
  double fixed_bytes_ = 0, fixed_ms_ = 0;
};

}  // namespace odin
