#include "bench/carve.h"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "bench/reference_run.h"
#include "format/tflite/tflite_writer.h"
#include "passes/passes.h"

namespace odin {
namespace {

namespace fs = std::filesystem;

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
  ODIN_ASSIGN_OR_RETURN(const Tensors values, reference_run(graph, inputs));
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
