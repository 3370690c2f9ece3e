// Carving a model into per-op test cases (TapML's idea): the model runs once
// on the reference kernels, and every node becomes a one-op .tflite whose
// inputs and outputs are the real tensors of that run, so any backend can be
// checked op by op on real data. The cases' manifest has the layout of the
// one-op test models (tests/ops/models/manifest.json): {"cases": [{"case",
// "model", "inputs": [{"file", "dtype", "shape"}], "outputs": [...]}]}.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/graph.h"
#include "core/status.h"

namespace odin {

struct CarveResult {
  int cases = 0;
  // Nodes not written, with why (an op the .tflite writer cannot express).
  std::vector<std::pair<std::string, std::string>> skipped;
};

// The graph's nodes once constant-only nodes are folded (DEQUANTIZE of fp16
// weights; the model's own ops, unfused). One buffer per graph
// input (raw little-endian, the input's size); empty: the reference
// runners' SplitMix64 input (seed 1 + index, in [-1, 1]) for float inputs.
// Writes <dir>/<case>/model.tflite, input_<i>.bin,
// output_<i>.bin and <dir>/manifest.json; dir is created.
Result<CarveResult> carve_model(Graph graph, const std::vector<std::vector<uint8_t>>& inputs,
                                const std::string& dir);

}  // namespace odin
