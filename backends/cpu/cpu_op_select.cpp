#include <array>
#include <vector>

#include "backends/cpu/cpu_op.h"

namespace odin {
namespace {

// Every entry of each op type, in family order (cpu_op.h): an op type may
// have one per kernel family (float32, int8), each declining the nodes it
// does not cover.
using Table = std::array<std::vector<const CpuOpEntry*>, static_cast<size_t>(OpType::kCount)>;

Table build_table() {
  Table t{};
  for (auto family : {cpu_conv_ops, cpu_elementwise_ops, cpu_window_ops, cpu_pad_ops, cpu_data_ops,
                      cpu_llm_ops, cpu_int8_ops})
    for (const CpuOpEntry& e : family()) t[static_cast<size_t>(e.type)].push_back(&e);
  return t;
}

bool has_symbolic_dims(const Graph& g, const Node& node) {
  for (const std::vector<ValueId>* values : {&node.inputs, &node.outputs})
    for (ValueId v : *values)
      if (v != kNoValue && g.value(v).shape.has_symbols()) return true;
  return false;
}

}  // namespace

std::unique_ptr<CpuOp> make_cpu_op(const CpuOpContext& ctx, const Node& node) {
  static const Table table = build_table();
  const auto i = static_cast<size_t>(node.op);
  if (i >= table.size() || node.outputs.empty()) return nullptr;
  const bool symbolic = has_symbolic_dims(ctx.graph, node);
  for (const CpuOpEntry* e : table[i]) {
    if (symbolic && !e->variable_dims) continue;
    std::unique_ptr<CpuOp> op = e->make(ctx, node);
    if (!op) continue;
    if (op->writes.empty()) op->writes = node.outputs;
    return op;
  }
  return nullptr;
}

}  // namespace odin
