#include "quantize_mixed.h"

#include <cstdio>

#include "cli_common.h"
#include "format/tflite/tflite_writer.h"
#include "quantize/mixed_precision.h"

namespace odin::cli {
namespace {

const char* kind_name(Budget::Kind k) {
  return k == Budget::Kind::kBytes ? "bytes" : "latency_ms";
}

// Layers at each precision, by name.
nlohmann::ordered_json layer_counts(const MixedModel& m) {
  nlohmann::ordered_json counts;
  for (Precision p : kAllPrecisions)
    counts[std::string(precision_name(p))] = m.layers_at[static_cast<size_t>(p)];
  return counts;
}

nlohmann::ordered_json model_json(const MixedModel& m) {
  return {{"bytes", m.bytes},
          {"latency_ms", round6(m.latency_ms)},
          {"proxy_error", round6(m.proxy_error)},
          {"error", round6(m.error)},
          {"layers", layer_counts(m)}};
}

void print_model_row(const char* label, const MixedModel& m) {
  std::printf("  %-12s %9.1f KiB %8.3f ms %11.4g %11.4g", label, m.bytes / 1024, m.latency_ms,
              m.proxy_error, m.error);
  for (size_t count : m.layers_at) std::printf(" %5zu", count);
  std::printf("\n");
}

void print_layers(const Graph& g, const MixedPlanner& planner, const MixedModel& chosen) {
  std::printf("layers (error with only this layer lowered; bytes; ms), * chosen:\n");
  for (const MixedLayer& l : planner.layers()) {
    const Precision pick = chosen.per_node[static_cast<size_t>(l.node)];
    std::printf("  %4d %-18s %-28.28s", static_cast<int>(l.node),
                std::string(op_type_name(g.node(l.node).op)).c_str(), g.node(l.node).name.c_str());
    for (size_t o = 0; o < l.precisions.size(); ++o)
      std::printf(" %c%s %.2e %7.0f %6.3f", l.precisions[o] == pick ? '*' : ' ',
                  std::string(precision_name(l.precisions[o])).c_str(), l.error[o], l.bytes[o],
                  l.latency_ms[o]);
    std::printf("\n");
  }
}

}  // namespace

Result<Graph> quantize_mixed(const Graph& prepared,
                             std::span<const std::optional<ValueRange>> ranges,
                             const std::vector<std::vector<float>>& inputs, const MixedArgs& args,
                             nlohmann::ordered_json& json) {
  MixedOptions options;
  options.per_channel = args.per_channel;
  options.timing_runs = args.timing_runs;
  options.session.backends = {"cpu"};  // latency on this machine's CPU
  options.file_bytes = [](const Graph& g) -> Result<size_t> {
    ODIN_ASSIGN_OR_RETURN(std::vector<uint8_t> bytes, write_tflite(g, "odin quantize --mixed"));
    return bytes.size();
  };
  std::vector<Sample> samples;
  for (const auto& x : inputs) samples.push_back({x});
  if (args.print)
    std::printf("sensitivity: each layer alone at each precision, on %zu samples...\n",
                samples.size());
  ODIN_ASSIGN_OR_RETURN(MixedPlanner planner,
                        MixedPlanner::create(prepared, ranges, std::move(samples), options));
  const Budget::Kind kind = args.budget.kind;
  ODIN_ASSIGN_OR_RETURN(std::vector<MixedModel> curve, planner.curve(kind, args.curve_points));
  bool met = false;
  ODIN_ASSIGN_OR_RETURN(MixedModel chosen, planner.choose(args.budget, &met));

  nlohmann::ordered_json layers = nlohmann::ordered_json::array();
  for (const MixedLayer& l : planner.layers()) {
    nlohmann::ordered_json cands = nlohmann::ordered_json::array();
    for (size_t o = 0; o < l.precisions.size(); ++o)
      cands.push_back({{"precision", precision_name(l.precisions[o])},
                       {"error", l.error[o]},
                       {"bytes", l.bytes[o]},
                       {"latency_ms", round6(l.latency_ms[o])}});
    layers.push_back({{"node", l.node},
                      {"op", op_type_name(prepared.node(l.node).op)},
                      {"name", prepared.node(l.node).name},
                      {"precision", precision_name(chosen.per_node[static_cast<size_t>(l.node)])},
                      {"candidates", cands}});
  }
  nlohmann::ordered_json points = nlohmann::ordered_json::array();
  const double lo = planner.min_cost(kind), hi = planner.max_cost(kind);
  for (size_t i = 0; i < curve.size(); ++i) {
    const double t = curve.size() > 1 ? static_cast<double>(i) / (curve.size() - 1) : 1.0;
    nlohmann::ordered_json p = model_json(curve[i]);
    p["budget"] = round6(lo + (hi - lo) * t);
    points.push_back(p);
  }
  json["mixed"] = {{"budget",
                    {{"text", args.budget_text},
                     {"kind", kind_name(kind)},
                     {"value", args.budget.value},
                     {"met", met}}},
                   {"knapsack", "dynamic programming over the budget in 16384 units"},
                   {"error_measure", "sum over outputs of MSE / variance of the float output"},
                   {"chosen", model_json(chosen)},
                   {"fixed_cost",
                    {{"bytes", planner.fixed_cost(Budget::Kind::kBytes)},
                     {"latency_ms", round6(planner.fixed_cost(Budget::Kind::kLatencyMs))}}},
                   {"curve", points},
                   {"layers", layers}};
  if (args.print) {
    print_layers(prepared, planner, chosen);
    std::printf("curve: the knapsack's choice at %zu %s budgets, each model measured\n",
                curve.size(), kind == Budget::Kind::kBytes ? "size" : "latency");
    std::printf("  %-12s %13s %11s %11s %11s", "budget", "size", "latency", "proxy error", "error");
    for (Precision p : kAllPrecisions) std::printf(" %5s", std::string(precision_name(p)).c_str());
    std::printf("\n");
    for (size_t i = 0; i < curve.size(); ++i) {
      const double t = curve.size() > 1 ? static_cast<double>(i) / (curve.size() - 1) : 1.0;
      const std::string b = budget_str({kind, lo + (hi - lo) * t});
      print_model_row(b.c_str(), curve[i]);
    }
    std::printf("chosen within %s:%s\n", budget_str(args.budget).c_str(),
                met ? "" : " (NOT met: the closest the tightened knapsack reached)");
    print_model_row(args.budget_text.c_str(), chosen);
  }
  return std::move(chosen.graph);
}

}  // namespace odin::cli
