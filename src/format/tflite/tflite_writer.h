// Writes a graph as a standard .tflite FlatBuffer (one subgraph), the
// inverse of the importer: what odin makes of a model (e.g. `odin quantize`'s
// int8 graph) can run in any TFLite runtime.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/graph.h"

namespace odin {

// Every node needs a TFLite form (tflite_ops.cpp's option writers; a fused
// explicit padding has none), every value a TFLite dtype and a static shape.
// Constants are written from their bytes, quantization tables as they are;
// values no node or graph edge uses are left out.
Result<std::vector<uint8_t>> write_tflite(const Graph& graph, const std::string& description);

Status write_tflite_file(const Graph& graph, const std::string& description,
                         const std::string& path);

}  // namespace odin
