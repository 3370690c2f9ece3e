#include "backends/vulkan/vk_fold.h"

#include "backends/vulkan/vk_support.h"
#include "kernels/reference/reference.h"

namespace odin::vk {

ConstantFolder::ConstantFolder(const Graph& graph) : graph_(graph) {
  producer_.assign(graph.num_values(), -1);
  for (size_t n = 0; n < graph.num_nodes(); ++n)
    for (ValueId v : graph.node(static_cast<NodeId>(n)).outputs)
      producer_[static_cast<size_t>(v)] = static_cast<NodeId>(n);
}

Result<ConstTensorView> ConstantFolder::get(ValueId v) {
  const Value& val = graph_.value(v);
  if (val.is_constant()) return ConstTensorView{val.dtype, val.shape, val.data};
  if (auto it = values_.find(v); it != values_.end())
    return ConstTensorView{val.dtype, val.shape, it->second.data()};
  if (!is_constant_foldable(graph_, v)) return ConstTensorView{};
  const NodeId p = producer_[static_cast<size_t>(v)];
  const Node& node = graph_.node(p);
  std::vector<ConstTensorView> ins;
  for (ValueId in : node.inputs) {
    if (in == kNoValue) {
      ins.emplace_back();
      continue;
    }
    ODIN_ASSIGN_OR_RETURN(ConstTensorView t, get(in));
    ins.push_back(t);
  }
  std::vector<TensorView> outs;
  for (ValueId o : node.outputs) {
    const Value& ov = graph_.value(o);
    const size_t bytes = static_cast<size_t>(ov.shape.num_elements()) * dtype_size(ov.dtype);
    std::vector<uint64_t>& storage = values_[o];
    storage.assign((bytes + 7) / 8, 0);
    outs.push_back({ov.dtype, ov.shape, storage.data()});
  }
  Status s = ref::run_node(graph_, node, ins, outs);
  if (!s.ok()) return s.with_context("vulkan: folding " + graph_.describe_node(p));
  return ConstTensorView{val.dtype, val.shape, values_[v].data()};
}

}  // namespace odin::vk
