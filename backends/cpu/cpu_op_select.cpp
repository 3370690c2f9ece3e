#include <array>

#include "backends/cpu/cpu_op.h"

namespace odin {
namespace {

using Table = std::array<const CpuOpEntry*, static_cast<size_t>(OpType::kCount)>;

Table build_table() {
  Table t{};
  for (auto family : {cpu_conv_ops, cpu_elementwise_ops, cpu_window_ops, cpu_pad_ops, cpu_llm_ops})
    for (const CpuOpEntry& e : family()) t[static_cast<size_t>(e.type)] = &e;
  return t;
}

}  // namespace

std::unique_ptr<CpuOp> make_cpu_op(const CpuOpContext& ctx, const Node& node) {
  static const Table table = build_table();
  const auto i = static_cast<size_t>(node.op);
  const CpuOpEntry* e = i < table.size() ? table[i] : nullptr;
  if (!e || node.outputs.empty()) return nullptr;
  if (!e->variable_dims) {
    for (const std::vector<ValueId>* values : {&node.inputs, &node.outputs})
      for (ValueId v : *values)
        if (v != kNoValue && ctx.graph.value(v).shape.has_symbols()) return nullptr;
  }
  std::unique_ptr<CpuOp> op = e->make(ctx, node);
  if (op && op->writes.empty()) op->writes = node.outputs;
  return op;
}

}  // namespace odin
