#include "bench/carve.h"

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>

#include "core/splitmix.h"
#include "format/tflite/tflite_writer.h"
#include "ops/op_def.h"
#include "passes/passes.h"

namespace odin {
namespace {

namespace fs = std::filesystem;

// The value of every non-constant tensor of one reference run.
using Tensors = std::map<ValueId, std::vector<uint8_t>>;

size_t byte_size(const Value& v) {
  return static_cast<size_t>(v.shape.num_elements()) * dtype_size(v.dtype);
}

Status check_static(const Graph& g, ValueId id) {
  const Value& v = g.value(id);
  if (!v.shape.is_static() || v.dtype == DType::kUnknown)
    return make_error(StatusCode::kUnsupported, "carve: ", g.describe_value(id),
                      " has no static shape and dtype (carving needs one run's sizes)");
  return Status();
}

Result<Tensors> graph_inputs(const Graph& g, const std::vector<std::vector<uint8_t>>& given) {
  if (!given.empty() && given.size() != g.inputs().size())
    return make_error(StatusCode::kInvalidArgument, "carve: the model has ", g.inputs().size(),
                      " inputs, got ", given.size());
  Tensors t;
  for (size_t i = 0; i < g.inputs().size(); ++i) {
    const ValueId id = g.inputs()[i];
    ODIN_RETURN_IF_ERROR(check_static(g, id));
    const Value& v = g.value(id);
    std::vector<uint8_t> bytes(byte_size(v), 0);
    if (!given.empty()) {
      if (given[i].size() != bytes.size())
        return make_error(StatusCode::kInvalidArgument, "carve: input ", i, " (", v.name, ", ",
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

ConstTensorView view_of(const Graph& g, ValueId id, const Tensors& t) {
  const Value& v = g.value(id);
  if (v.is_constant()) return {v.dtype, v.shape, v.data};
  return {v.dtype, v.shape, t.at(id).data()};
}

// Every node on the reference kernels, in order; all tensors kept.
Result<Tensors> run_all(const Graph& g, Tensors t) {
  for (size_t n = 0; n < g.num_nodes(); ++n) {
    const Node& node = g.node(static_cast<NodeId>(n));
    std::vector<ConstTensorView> ins;
    for (ValueId id : node.inputs)
      ins.push_back(id == kNoValue ? ConstTensorView{} : view_of(g, id, t));
    std::vector<TensorView> outs;
    for (ValueId id : node.outputs) {
      ODIN_RETURN_IF_ERROR(check_static(g, id));
      t[id].assign(byte_size(g.value(id)), 0);
      outs.push_back({g.value(id).dtype, g.value(id).shape, t[id].data()});
    }
    const Status s = run_reference(g, node, ins, outs);
    if (!s.ok())
      return make_error(s.code(), "carve: node ", n, " (", op_type_name(node.op), " ", node.name,
                        "): ", s.message());
  }
  return t;
}

// The node alone: its non-constant inputs become the graph's inputs, its
// constants are shared (the source graph's bytes), its outputs the outputs.
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

Status write_bytes(const fs::path& path, const std::vector<uint8_t>& bytes) {
  std::ofstream f(path, std::ios::binary);
  f.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  if (!f) return make_error(StatusCode::kIo, "carve: cannot write ", path.string());
  return Status();
}

nlohmann::json tensor_entry(const Graph& g, ValueId id, const std::string& file) {
  const Value& v = g.value(id);
  return {{"file", file}, {"dtype", dtype_name(v.dtype)}, {"shape", v.shape.dims()}};
}

}  // namespace

Result<CarveResult> carve_model(Graph graph, const std::vector<std::vector<uint8_t>>& inputs,
                                const std::string& dir) {
  // The model's ops with constant-only nodes (DEQUANTIZE of fp16 weights,
  // ...) folded; not fused (a PAD fused into an ADD has no .tflite form).
  PassOptions passes;
  passes.optimize = false;
  ODIN_RETURN_IF_ERROR(run_passes(graph, passes));
  ODIN_ASSIGN_OR_RETURN(Tensors given, graph_inputs(graph, inputs));
  ODIN_ASSIGN_OR_RETURN(const Tensors values, run_all(graph, std::move(given)));
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return make_error(StatusCode::kIo, "carve: cannot create ", dir, ": ", ec.message());
  CarveResult result;
  nlohmann::json cases = nlohmann::json::array(), skipped = nlohmann::json::array();
  for (size_t n = 0; n < graph.num_nodes(); ++n) {
    const Node& node = graph.node(static_cast<NodeId>(n));
    char index[24];
    std::snprintf(index, sizeof(index), "%03zu", n);
    const std::string name = str_cat(index, "_", op_type_name(node.op));
    const Graph one = one_op_graph(graph, node);
    auto model = write_tflite(one, str_cat("odin carve: node ", n, " (", node.name, ")"));
    if (!model.ok()) {
      result.skipped.emplace_back(name, model.status().message());
      skipped.push_back({{"case", name}, {"reason", model.status().message()}});
      continue;
    }
    const fs::path folder = fs::path(dir) / name;
    fs::create_directories(folder, ec);
    ODIN_RETURN_IF_ERROR(write_bytes(folder / "model.tflite", *model));
    nlohmann::json c = {{"case", name},
                        {"node", n},
                        {"op", op_type_name(node.op)},
                        {"model", str_cat(name, "/model.tflite")}};
    c["inputs"] = nlohmann::json::array();
    c["outputs"] = nlohmann::json::array();
    size_t i = 0;
    for (ValueId id : node.inputs) {
      if (id == kNoValue || graph.value(id).is_constant()) continue;
      const std::string file = str_cat("input_", i++, ".bin");
      ODIN_RETURN_IF_ERROR(write_bytes(folder / file, values.at(id)));
      c["inputs"].push_back(tensor_entry(graph, id, str_cat(name, "/", file)));
    }
    for (size_t o = 0; o < node.outputs.size(); ++o) {
      const ValueId id = node.outputs[o];
      const std::string file = str_cat("output_", o, ".bin");
      ODIN_RETURN_IF_ERROR(write_bytes(folder / file, values.at(id)));
      c["outputs"].push_back(tensor_entry(graph, id, str_cat(name, "/", file)));
    }
    cases.push_back(std::move(c));
    ++result.cases;
  }
  std::ofstream m(fs::path(dir) / "manifest.json");
  m << nlohmann::json{{"cases", cases}, {"skipped", skipped}}.dump(1) << "\n";
  if (!m) return make_error(StatusCode::kIo, "carve: cannot write ", dir, "/manifest.json");
  return result;
}

}  // namespace odin
