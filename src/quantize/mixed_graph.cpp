#include "quantize/mixed_graph.h"

#include <cstring>
#include <unordered_map>

#include "ops/op_def.h"
#include "quant/fp16.h"
#include "quant/int4.h"
#include "quantize/graph_edit.h"

namespace odin {
namespace {

bool is_float_constant(const Value& v) {
  return v.is_constant() && v.data && v.dtype == DType::kF32;
}

// Node `node`'s float32 constants become float16 constants behind a
// DEQUANTIZE each (appended to `nodes` before it).
void store_fp16(Graph& g, Node& node, std::vector<Node>& nodes) {
  for (ValueId& in : node.inputs) {
    if (in == kNoValue || !is_float_constant(g.value(in))) continue;
    const Value& c = g.value(in);
    const size_t n = c.data_bytes / sizeof(float);
    std::vector<float> xs(n);
    std::memcpy(xs.data(), c.data, n * sizeof(float));
    std::vector<uint8_t> halves(n * 2);
    fp32_to_fp16(xs.data(), halves.data(), n);
    const ValueId hid =
        add_owned_constant(g, c, "_fp16", DType::kF16, std::nullopt, std::move(halves));
    Value f;
    f.name = g.value(in).name;
    f.dtype = DType::kF32;
    f.shape = g.value(in).shape;
    const ValueId fid = add_conversion(g, OpType::kDequantize, hid, std::move(f), nodes);
    in = fid;
  }
}

size_t table_bytes(const Value& v) {
  // TFLite stores scales as float32 and zero points as int64.
  return v.quant ? v.quant->scales.size() * 4 + v.quant->zero_points.size() * 8 : 0;
}

}  // namespace

std::string_view precision_name(Precision p) {
  switch (p) {
    case Precision::kW4A8:
      return "w4a8";
    case Precision::kInt8:
      return "int8";
    case Precision::kFp16:
      return "fp16";
    case Precision::kFp32:
      return "fp32";
  }
  return "?";
}

std::vector<Precision> precision_candidates(const Graph& prepared, NodeId n) {
  std::vector<Precision> out;
  std::string why;
  if (node_quantizable(prepared, n, &why)) {
    const OpType op = prepared.node(n).op;
    if (op == OpType::kConv2D || op == OpType::kDepthwiseConv2D || op == OpType::kFullyConnected)
      out.push_back(Precision::kW4A8);
    out.push_back(Precision::kInt8);
  }
  for (ValueId v : prepared.node(n).inputs)
    if (v != kNoValue && is_float_constant(prepared.value(v))) {
      out.push_back(Precision::kFp16);
      break;
    }
  out.push_back(Precision::kFp32);
  return out;
}

Result<Graph> build_mixed_graph(const Graph& prepared,
                                std::span<const std::optional<ValueRange>> ranges,
                                std::span<const Precision> per_node, bool per_channel,
                                QuantizeReport* report) {
  if (per_node.size() != prepared.num_nodes())
    return make_error(StatusCode::kInvalidArgument, per_node.size(), " precisions for a graph of ",
                      prepared.num_nodes(), " nodes");
  QuantizeOptions options;
  options.per_channel = per_channel;
  options.keep_float.resize(prepared.num_nodes());
  options.weight_bits.resize(prepared.num_nodes());
  for (size_t n = 0; n < per_node.size(); ++n) {
    options.keep_float[n] = !runs_int8(per_node[n]);
    options.weight_bits[n] = per_node[n] == Precision::kW4A8 ? 4 : 8;
  }
  ODIN_ASSIGN_OR_RETURN(Graph g, quantize_graph(prepared, ranges, options, report));
  const std::vector<int> source = source_nodes(prepared, g);
  std::vector<Node> nodes;
  for (size_t n = 0; n < g.num_nodes(); ++n) {
    Node node = g.node(static_cast<NodeId>(n));
    const int s = source[n];
    if (s >= 0 && per_node[static_cast<size_t>(s)] == Precision::kFp16) store_fp16(g, node, nodes);
    nodes.push_back(std::move(node));
  }
  g.mutable_nodes() = std::move(nodes);
  ODIN_RETURN_IF_ERROR(g.validate());
  ODIN_RETURN_IF_ERROR(infer_graph(g));
  return g;
}

std::vector<int> source_nodes(const Graph& prepared, const Graph& built) {
  std::unordered_map<int32_t, int> by_source;
  for (size_t n = 0; n < prepared.num_nodes(); ++n) {
    const int32_t index = prepared.node(static_cast<NodeId>(n)).source_index;
    if (index >= 0) by_source.emplace(index, static_cast<int>(n));
  }
  std::vector<int> out(built.num_nodes(), -1);
  for (size_t n = 0; n < built.num_nodes(); ++n) {
    const auto it = by_source.find(built.node(static_cast<NodeId>(n)).source_index);
    if (it != by_source.end()) out[n] = it->second;
  }
  return out;
}

size_t node_constant_bytes(const Graph& built, NodeId n) {
  std::vector<int> producer(built.num_values(), -1);
  for (size_t i = 0; i < built.num_nodes(); ++i)
    for (ValueId v : built.node(static_cast<NodeId>(i)).outputs)
      producer[static_cast<size_t>(v)] = static_cast<int>(i);
  size_t bytes = 0;
  for (ValueId v : built.node(n).inputs) {
    if (v == kNoValue) continue;
    const int p = producer[static_cast<size_t>(v)];
    if (p >= 0 && built.node(static_cast<NodeId>(p)).op == OpType::kDequantize)
      v = built.node(static_cast<NodeId>(p)).inputs[0];
    const Value& c = built.value(v);
    if (!c.is_constant()) continue;
    // 4-bit values are held one per byte and stored two per byte.
    bytes += (c.quant && c.quant->bits == 4 ? int4_packed_bytes(c.data_bytes) : c.data_bytes) +
             table_bytes(c);
  }
  return bytes;
}

}  // namespace odin
