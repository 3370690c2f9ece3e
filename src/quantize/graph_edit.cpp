#include "quantize/graph_edit.h"

namespace odin {

ValueId add_conversion(Graph& g, OpType op, ValueId from, Value to, std::vector<Node>& nodes) {
  to.source_index = -1;
  const ValueId id = g.add_value(std::move(to));
  Node n;
  n.op = op;
  n.inputs = {from};
  n.outputs = {id};
  n.name = g.value(id).name;
  nodes.push_back(std::move(n));
  return id;
}

ValueId add_owned_constant(Graph& g, const Value& like, const std::string& suffix, DType dtype,
                           std::optional<QuantParams> quant, std::vector<uint8_t> bytes) {
  Value c;
  c.name = like.name + suffix;
  c.dtype = dtype;
  c.shape = like.shape;
  c.quant = std::move(quant);
  c.data_bytes = bytes.size();
  c.data = g.own_bytes(std::move(bytes));
  return g.add_value(std::move(c));
}

}  // namespace odin
