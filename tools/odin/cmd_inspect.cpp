// odin inspect MODEL: inputs, outputs, op histogram and a per-node table;
// for an LLM file, its architecture and quantization (llm_summary.h).
#include <cstdio>
#include <map>

#include "cli_common.h"
#include "commands.h"
#include "llm_summary.h"
#include "runtime/scheduler.h"

namespace odin::cli {
namespace {

struct InspectArgs {
  std::string model;
  bool nodes = true;
  std::string backends;  // preference list, e.g. "vulkan,cpu"
};

// A quantized tensor's table: "q(scale,zero_point)", or "q(N channels on
// axis A)", with ",4-bit" for TFLite's INT4 values; empty for others (and
// for float16 weights' empty tables).
std::string quant_summary(const Value& val) {
  if (!val.quant || val.quant->scales.empty() || val.dtype == DType::kF16 ||
      val.dtype == DType::kF32)
    return "";
  const QuantParams& q = *val.quant;
  const char* bits = q.bits == 4 ? ",4-bit" : "";
  if (q.scales.size() > 1)
    return str_cat("q(", q.scales.size(), " channels on axis ", q.axis, bits, ")");
  char scale[32];
  std::snprintf(scale, sizeof(scale), "%.6g", static_cast<double>(q.scales[0]));
  return str_cat("q(", scale, ",", q.zero_points.empty() ? 0 : q.zero_points[0], bits, ")");
}

std::string value_summary(const Graph& g, ValueId v) {
  if (v == kNoValue) return "-";
  const Value& val = g.value(v);
  return str_cat(val.source_index, ":", dtype_name(val.dtype), val.shape.str(), quant_summary(val),
                 val.is_constant() ? "c" : "");
}

int run_inspect(const InspectArgs& args) {
  if (is_llm_file(args.model)) return inspect_llm(args.model);
  auto graph = load_model(args.model);
  if (!graph.ok()) return report(graph.status());
  const Graph& g = *graph;
  std::printf("model: %s\n", args.model.c_str());
  std::printf("inputs:\n");
  for (ValueId v : g.inputs())
    std::printf("  %-32s %-8s %s%s\n", g.value(v).name.c_str(), dtype_name(g.value(v).dtype),
                g.value(v).shape.str().c_str(), quant_summary(g.value(v)).c_str());
  std::printf("outputs:\n");
  for (ValueId v : g.outputs())
    std::printf("  %-32s %-8s %s%s\n", g.value(v).name.c_str(), dtype_name(g.value(v).dtype),
                g.value(v).shape.str().c_str(), quant_summary(g.value(v)).c_str());
  std::map<std::string_view, int> histogram;
  size_t const_bytes = 0;
  for (const Node& n : g.nodes()) ++histogram[op_type_name(n.op)];
  for (const Value& v : g.values()) const_bytes += v.data_bytes;
  std::printf("nodes: %zu, tensors: %zu, constant bytes: %zu\n", g.num_nodes(), g.num_values(),
              const_bytes);
  std::printf("ops:\n");
  for (const auto& [name, count] : histogram)
    std::printf("  %-28.*s %d\n", static_cast<int>(name.size()), name.data(), count);
  auto sched = schedule_graph(g, parse_backend_list(args.backends));
  if (!sched.ok()) return report(sched.status());
  for (const std::string& note : sched->notes) std::printf("backend note: %s\n", note.c_str());
  std::map<std::string_view, int> per_backend;
  for (Backend* b : sched->node_backend) ++per_backend[b->name()];
  std::printf("backends:");
  for (const auto& [name, count] : per_backend)
    std::printf(" %.*s %d nodes", static_cast<int>(name.size()), name.data(), count);
  std::printf(" (%zu segments)\n", sched->segments.size());
  if (args.nodes) {
    std::printf("%5s  %-26s %-8s %-36s %s\n", "node", "op", "backend", "output",
                "inputs (tensor:dtype[shape], q(scale,zero point), c = constant)");
    for (size_t i = 0; i < g.num_nodes(); ++i) {
      const Node& n = g.node(static_cast<NodeId>(i));
      std::string ins;
      for (ValueId v : n.inputs) {
        if (!ins.empty()) ins += ' ';
        ins += value_summary(g, v);
      }
      const std::string_view op = op_type_name(n.op);
      const std::string_view backend = sched->node_backend[i]->name();
      std::printf("%5d  %-26.*s %-8.*s %-36s %s\n", n.source_index, static_cast<int>(op.size()),
                  op.data(), static_cast<int>(backend.size()), backend.data(),
                  value_summary(g, n.outputs[0]).c_str(), ins.c_str());
      if (!sched->node_fallback[i].empty())
        std::printf("%5s  fallback: %s\n", "", sched->node_fallback[i].c_str());
    }
  }
  return 0;
}

std::function<int()> setup(CLI::App& app) {
  auto args = std::make_shared<InspectArgs>();
  auto* cmd = app.add_subcommand("inspect", "Show a model's inputs, outputs and nodes");
  cmd->add_option("model", args->model, "Model file or zoo name")->required();
  cmd->add_flag("!--no-nodes", args->nodes, "Omit the per-node table");
  cmd->add_option("--backend", args->backends,
                  "Backend preference list, e.g. vulkan,cpu or opencl,cpu (shows where each node "
                  "runs and why)");
  return [args] { return run_inspect(*args); };
}

ODIN_CLI_COMMAND(20, setup);

}  // namespace
}  // namespace odin::cli
