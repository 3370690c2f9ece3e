// odin inspect MODEL: inputs, outputs, op histogram and a per-node table.
#include <cstdio>
#include <map>

#include "cli_common.h"
#include "commands.h"

namespace odin::cli {
namespace {

std::string value_summary(const Graph& g, ValueId v) {
  if (v == kNoValue) return "-";
  const Value& val = g.value(v);
  return str_cat(val.source_index, ":", dtype_name(val.dtype), val.shape.str(),
                 val.is_constant() ? "c" : "");
}

}  // namespace

int run_inspect(const InspectArgs& args) {
  auto graph = load_model(args.model);
  if (!graph.ok()) return report(graph.status());
  const Graph& g = *graph;
  std::printf("model: %s\n", args.model.c_str());
  std::printf("inputs:\n");
  for (ValueId v : g.inputs())
    std::printf("  %-32s %-8s %s\n", g.value(v).name.c_str(), dtype_name(g.value(v).dtype),
                g.value(v).shape.str().c_str());
  std::printf("outputs:\n");
  for (ValueId v : g.outputs())
    std::printf("  %-32s %-8s %s\n", g.value(v).name.c_str(), dtype_name(g.value(v).dtype),
                g.value(v).shape.str().c_str());
  std::map<std::string_view, int> histogram;
  size_t const_bytes = 0;
  for (const Node& n : g.nodes()) ++histogram[op_type_name(n.op)];
  for (const Value& v : g.values()) const_bytes += v.data_bytes;
  std::printf("nodes: %zu, tensors: %zu, constant bytes: %zu\n", g.num_nodes(), g.num_values(),
              const_bytes);
  std::printf("ops:\n");
  for (const auto& [name, count] : histogram)
    std::printf("  %-28.*s %d\n", static_cast<int>(name.size()), name.data(), count);
  if (args.nodes) {
    std::printf("%5s  %-26s %-36s %s\n", "node", "op", "output",
                "inputs (tensor:dtype[shape], c = constant)");
    for (const Node& n : g.nodes()) {
      std::string ins;
      for (ValueId v : n.inputs) {
        if (!ins.empty()) ins += ' ';
        ins += value_summary(g, v);
      }
      const std::string_view op = op_type_name(n.op);
      std::printf("%5d  %-26.*s %-36s %s\n", n.source_index, static_cast<int>(op.size()), op.data(),
                  value_summary(g, n.outputs[0]).c_str(), ins.c_str());
    }
  }
  return 0;
}

}  // namespace odin::cli
