#include "bench/reference_run.h"

#include <cstring>

#include "core/splitmix.h"
#include "ops/op_def.h"

namespace odin {
namespace {

size_t byte_size(const Value& v) {
  return static_cast<size_t>(v.shape.num_elements()) * dtype_size(v.dtype);
}

Status check_static(const Graph& g, ValueId id) {
  const Value& v = g.value(id);
  if (!v.shape.is_static() || v.dtype == DType::kUnknown)
    return make_error(StatusCode::kUnsupported, g.describe_value(id),
                      " has no static shape and dtype (a reference run needs one)");
  return Status();
}

Result<Tensors> graph_inputs(const Graph& g, const std::vector<std::vector<uint8_t>>& given) {
  if (!given.empty() && given.size() != g.inputs().size())
    return make_error(StatusCode::kInvalidArgument, "the model has ", g.inputs().size(),
                      " inputs, got ", given.size());
  Tensors t;
  for (size_t i = 0; i < g.inputs().size(); ++i) {
    const ValueId id = g.inputs()[i];
    ODIN_RETURN_IF_ERROR(check_static(g, id));
    const Value& v = g.value(id);
    std::vector<uint8_t> bytes(byte_size(v), 0);
    if (!given.empty()) {
      if (given[i].size() != bytes.size())
        return make_error(StatusCode::kInvalidArgument, "input ", i, " (", v.name, ", ",
                          v.shape.str(), " ", dtype_name(v.dtype), ") needs ", bytes.size(),
                          " bytes, got ", given[i].size());
      bytes = given[i];
    } else if (v.dtype == DType::kF32) {
      const std::vector<float> f = splitmix_values(bytes.size() / 4, 1 + i, -1.0f, 1.0f);
      std::memcpy(bytes.data(), f.data(), bytes.size());
    }
    t[id] = std::move(bytes);
  }
  return t;
}

}  // namespace

ConstTensorView tensor_of(const Graph& g, ValueId id, const Tensors& t) {
  const Value& v = g.value(id);
  if (v.is_constant()) return {v.dtype, v.shape, v.data};
  return {v.dtype, v.shape, t.at(id).data()};
}

Result<Tensors> reference_run(const Graph& g, const std::vector<std::vector<uint8_t>>& inputs) {
  ODIN_ASSIGN_OR_RETURN(Tensors t, graph_inputs(g, inputs));
  for (size_t n = 0; n < g.num_nodes(); ++n) {
    const Node& node = g.node(static_cast<NodeId>(n));
    std::vector<ConstTensorView> ins;
    for (ValueId id : node.inputs)
      ins.push_back(id == kNoValue ? ConstTensorView{} : tensor_of(g, id, t));
    std::vector<TensorView> outs;
    for (ValueId id : node.outputs) {
      ODIN_RETURN_IF_ERROR(check_static(g, id));
      t[id].assign(byte_size(g.value(id)), 0);
      outs.push_back({g.value(id).dtype, g.value(id).shape, t[id].data()});
    }
    const Status s = run_reference(g, node, ins, outs);
    if (!s.ok())
      return make_error(s.code(), "node ", n, " (", op_type_name(node.op), " ", node.name,
                        "): ", s.message());
  }
  return t;
}

Graph one_op_graph(const Graph& g, const Node& node) {
  Graph one;
  std::map<ValueId, ValueId> ids;
  auto copy = [&](ValueId id, bool output) {
    if (id == kNoValue) return kNoValue;
    if (auto it = ids.find(id); it != ids.end()) return it->second;
    const Value& v = g.value(id);
    Value c;
    c.name = v.name;
    c.dtype = v.dtype;
    c.shape = v.shape;
    c.quant = v.quant;
    if (v.is_constant() && !output) {
      c.data = v.data;
      c.data_bytes = v.data_bytes;
      c.owner = v.owner;
      c.sparsity = v.sparsity;
    }
    const ValueId nid = one.add_value(std::move(c));
    if (!v.is_constant() && !output) one.inputs().push_back(nid);
    if (output) one.outputs().push_back(nid);
    return ids[id] = nid;
  };
  Node n = node;
  for (ValueId& id : n.inputs) id = copy(id, false);
  for (ValueId& id : n.outputs) id = copy(id, true);
  one.add_node(std::move(n));
  return one;
}

}  // namespace odin
