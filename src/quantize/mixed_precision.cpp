#include "quantize/mixed_precision.h"

#include <algorithm>

#include "quantize/graph_timing.h"
#include "quantize/knapsack.h"

namespace odin {
namespace {

size_t option_of(const MixedLayer& l, Precision p) {
  const auto it = std::find(l.precisions.begin(), l.precisions.end(), p);
  return it == l.precisions.end() ? l.precisions.size() - 1
                                  : static_cast<size_t>(it - l.precisions.begin());
}

}  // namespace

Result<MixedPlanner> MixedPlanner::create(const Graph& prepared,
                                          std::span<const std::optional<ValueRange>> ranges,
                                          std::vector<Sample> samples, MixedOptions options) {
  MixedPlanner p;
  p.prepared_ = &prepared;
  p.ranges_ = ranges;
  p.options_ = std::move(options);
  ODIN_ASSIGN_OR_RETURN(OutputErrorMeter meter,
                        OutputErrorMeter::create(prepared, std::move(samples), p.options_.session));
  p.meter_.emplace(std::move(meter));
  for (size_t n = 0; n < prepared.num_nodes(); ++n) {
    MixedLayer l;
    l.node = static_cast<NodeId>(n);
    l.precisions = precision_candidates(prepared, l.node);
    if (l.precisions.size() < 2) continue;
    l.error.assign(l.precisions.size(), 0.0);
    l.bytes.assign(l.precisions.size(), 0.0);
    l.latency_ms.assign(l.precisions.size(), 0.0);
    p.layers_.push_back(std::move(l));
  }

  // Bytes and time of each layer at each precision: one graph per precision
  // with every layer that can take it at it.
  const Sample& first = p.meter_->samples().front();
  for (Precision prec : kAllPrecisions) {
    const std::vector<Precision> per_node = p.uniform(prec);
    ODIN_ASSIGN_OR_RETURN(Graph g,
                          build_mixed_graph(prepared, ranges, per_node, p.options_.per_channel));
    ODIN_ASSIGN_OR_RETURN(
        GraphTiming t, time_graph(prepared, g, first, p.options_.session, p.options_.timing_runs));
    const std::vector<int> source = source_nodes(prepared, g);
    std::vector<double> bytes(prepared.num_nodes(), 0.0);
    for (size_t n = 0; n < g.num_nodes(); ++n)
      if (source[n] >= 0)
        bytes[static_cast<size_t>(source[n])] +=
            static_cast<double>(node_constant_bytes(g, static_cast<NodeId>(n)));
    for (MixedLayer& l : p.layers_) {
      const size_t o = option_of(l, prec);
      if (l.precisions[o] != prec) continue;
      l.bytes[o] = bytes[static_cast<size_t>(l.node)];
      // The node's time among neighbours at the same precision: int8 layers
      // inside an int8 region pay no conversions (the fixed cost holds
      // those of the fastest model; choose() measures the others).
      l.latency_ms[o] = t.node_ms[static_cast<size_t>(l.node)];
    }
  }
  // fp16 constants are folded to fp32 when a session loads the graph, and
  // 4-bit weights unpacked to int8: the same kernels run, so the same time
  // (not two noisy measurements of it, which would pick one at random).
  for (MixedLayer& l : p.layers_) {
    const size_t o = option_of(l, Precision::kFp16);
    if (l.precisions[o] == Precision::kFp16) l.latency_ms[o] = l.latency_ms.back();
    const size_t i8 = option_of(l, Precision::kInt8);
    if (l.precisions[0] == Precision::kW4A8 && l.precisions[i8] == Precision::kInt8)
      l.latency_ms[0] = l.latency_ms[i8];
  }

  // Sensitivity: each layer alone at each precision but fp32 (its error is 0).
  std::vector<Precision> per_node(prepared.num_nodes(), Precision::kFp32);
  for (MixedLayer& l : p.layers_) {
    for (size_t o = 0; o + 1 < l.precisions.size(); ++o) {
      per_node[static_cast<size_t>(l.node)] = l.precisions[o];
      ODIN_ASSIGN_OR_RETURN(Graph g,
                            build_mixed_graph(prepared, ranges, per_node, p.options_.per_channel));
      ODIN_ASSIGN_OR_RETURN(l.error[o], p.meter_->error(g));
    }
    per_node[static_cast<size_t>(l.node)] = Precision::kFp32;
  }
  ODIN_RETURN_IF_ERROR(p.calibrate_fixed_costs());
  return p;
}

std::vector<Precision> MixedPlanner::uniform(Precision p) const {
  std::vector<Precision> per_node(prepared_->num_nodes(), Precision::kFp32);
  for (const MixedLayer& l : layers_) per_node[static_cast<size_t>(l.node)] = p;
  return per_node;
}

// The additive model leaves out what the layers' constants and node times do
// not hold: the file's tensor and operator records, the conversions between
// int8 and float, the run's overhead. For bytes that rest is measured on the
// cheapest choice (every layer at its least size), so the model is exact at
// the tight end of a size budget, where it matters. For latency it is
// measured on the all-int8 graph (conversions only at its edges; a
// per-layer fastest choice would be a patchwork of int8 and float paying a
// conversion at every seam). Elsewhere choose() checks by measuring.
Status MixedPlanner::calibrate_fixed_costs() {
  for (Budget::Kind kind : {Budget::Kind::kBytes, Budget::Kind::kLatencyMs}) {
    std::vector<Precision> per_node(prepared_->num_nodes(), Precision::kFp32);
    double layers = 0;
    for (const MixedLayer& l : layers_) {
      if (kind == Budget::Kind::kLatencyMs) {
        const size_t o = option_of(l, Precision::kInt8);
        per_node[static_cast<size_t>(l.node)] = l.precisions[o];
        layers += cost(l, o, kind);
        continue;
      }
      size_t best = 0;
      for (size_t o = 1; o < l.precisions.size(); ++o)  // ties as the knapsack breaks them
        if (std::make_pair(cost(l, o, kind), l.error[o]) <
            std::make_pair(cost(l, best, kind), l.error[best]))
          best = o;
      per_node[static_cast<size_t>(l.node)] = l.precisions[best];
      layers += cost(l, best, kind);
    }
    ODIN_ASSIGN_OR_RETURN(Graph g,
                          build_mixed_graph(*prepared_, ranges_, per_node, options_.per_channel));
    if (kind == Budget::Kind::kLatencyMs) {
      ODIN_ASSIGN_OR_RETURN(GraphTiming t, time_graph(*prepared_, g, meter_->samples().front(),
                                                      options_.session, options_.timing_runs));
      fixed_ms_ = t.total_ms - layers;
      continue;
    }
    double total = 0;
    if (options_.file_bytes) {
      ODIN_ASSIGN_OR_RETURN(size_t file, options_.file_bytes(g));
      total = static_cast<double>(file);
    } else {
      for (size_t n = 0; n < g.num_nodes(); ++n)
        total += static_cast<double>(node_constant_bytes(g, static_cast<NodeId>(n)));
    }
    fixed_bytes_ = total - layers;
  }
  return Status();
}

double MixedPlanner::cost(const MixedLayer& l, size_t option, Budget::Kind kind) const {
  return kind == Budget::Kind::kBytes ? l.bytes[option] : l.latency_ms[option];
}

double MixedPlanner::fixed_cost(Budget::Kind kind) const {
  return kind == Budget::Kind::kBytes ? fixed_bytes_ : fixed_ms_;
}

double MixedPlanner::min_cost(Budget::Kind kind) const {
  return extreme_cost(kind, false);
}

double MixedPlanner::max_cost(Budget::Kind kind) const {
  return extreme_cost(kind, true);
}

// The fixed cost plus every layer's cheapest (or dearest) option.
double MixedPlanner::extreme_cost(Budget::Kind kind, bool dearest) const {
  double c = fixed_cost(kind);
  for (const MixedLayer& l : layers_) {
    double pick = cost(l, 0, kind);
    for (size_t o = 1; o < l.precisions.size(); ++o)
      pick = dearest ? std::max(pick, cost(l, o, kind)) : std::min(pick, cost(l, o, kind));
    c += pick;
  }
  return c;
}

Result<std::vector<Precision>> MixedPlanner::solve(const Budget& budget) const {
  std::vector<ChoiceItem> items(layers_.size());
  for (size_t i = 0; i < layers_.size(); ++i) {
    const MixedLayer& l = layers_[i];
    items[i].error = l.error;
    for (size_t o = 0; o < l.precisions.size(); ++o)
      items[i].cost.push_back(cost(l, o, budget.kind));
  }
  auto sol = solve_knapsack(items, budget.value - fixed_cost(budget.kind));
  if (!sol.ok())
    return make_error(StatusCode::kOutOfRange, "budget ", budget_str(budget),
                      " is below the smallest mixed model the measurements allow, ",
                      budget_str({budget.kind, min_cost(budget.kind)}));
  std::vector<Precision> per_node(prepared_->num_nodes(), Precision::kFp32);
  for (size_t i = 0; i < layers_.size(); ++i)
    per_node[static_cast<size_t>(layers_[i].node)] = layers_[i].precisions[sol->choice[i]];
  return per_node;
}

Result<MixedModel> MixedPlanner::evaluate(std::vector<Precision> per_node) const {
  MixedModel m;
  ODIN_ASSIGN_OR_RETURN(m.graph,
                        build_mixed_graph(*prepared_, ranges_, per_node, options_.per_channel));
  m.bytes = fixed_bytes_;
  for (const MixedLayer& l : layers_) {
    const size_t o = option_of(l, per_node[static_cast<size_t>(l.node)]);
    m.proxy_error += l.error[o];
    m.bytes += l.bytes[o];
    ++m.layers_at[static_cast<size_t>(l.precisions[o])];
  }
  if (options_.file_bytes) {
    ODIN_ASSIGN_OR_RETURN(size_t file, options_.file_bytes(m.graph));
    m.bytes = static_cast<double>(file);
  }
  ODIN_ASSIGN_OR_RETURN(GraphTiming t, time_graph(*prepared_, m.graph, meter_->samples().front(),
                                                  options_.session, options_.timing_runs));
  m.latency_ms = t.total_ms;
  ODIN_ASSIGN_OR_RETURN(m.error, meter_->error(m.graph));
  m.per_node = std::move(per_node);
  return m;
}

Result<MixedModel> MixedPlanner::choose(const Budget& budget, bool* met) const {
  Budget target = budget;
  std::optional<MixedModel> best;
  for (int attempt = 0; attempt < 5; ++attempt) {
    auto per_node = solve(target);
    if (!per_node.ok()) {
      if (best) break;  // tightened past the cheapest: keep the last one
      return per_node.status();
    }
    ODIN_ASSIGN_OR_RETURN(MixedModel m, evaluate(std::move(per_node).value()));
    const double measured = budget.kind == Budget::Kind::kBytes ? m.bytes : m.latency_ms;
    best = std::move(m);
    if (measured <= budget.value) {
      *met = true;
      return std::move(*best);
    }
    target.value -= measured - budget.value;
  }
  *met = false;
  return std::move(*best);
}

Result<std::vector<MixedModel>> MixedPlanner::curve(Budget::Kind kind, size_t points) const {
  const double lo = min_cost(kind), hi = max_cost(kind);
  std::vector<MixedModel> out;
  for (size_t i = 0; i < points; ++i) {
    const double t = points > 1 ? static_cast<double>(i) / static_cast<double>(points - 1) : 1.0;
    ODIN_ASSIGN_OR_RETURN(std::vector<Precision> per_node, solve({kind, lo + (hi - lo) * t}));
    ODIN_ASSIGN_OR_RETURN(MixedModel m, evaluate(std::move(per_node)));
    out.push_back(std::move(m));
  }
  return out;
}

}  // namespace odin
