// Post-training quantization of a prepared float graph (calibration.h) into
// TFLite's int8 scheme: activations int8 per tensor (asymmetric, from the
// calibrated ranges), CONV_2D / DEPTHWISE_CONV_2D weights int8 (or int4)
// symmetric per output channel (or per tensor), FULLY_CONNECTED weights per
// tensor, biases
// int32 at input scale x weight scale. Graph inputs and outputs stay float:
// a QUANTIZE follows each input and a DEQUANTIZE precedes each output, as
// TFLite's converter writes float-interface int8 models. An op odin cannot
// run in int8 (or one kept float on purpose) stays float between a
// DEQUANTIZE and a QUANTIZE.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/graph.h"
#include "quantize/calibration.h"

namespace odin {

struct QuantizeOptions {
  bool per_channel = true;  // convolution weights per output channel
  // Nodes of the prepared graph kept float (by NodeId; empty: none).
  std::vector<bool> keep_float;
  // Weight bits of the weighted nodes (by NodeId; missing or 0: 8): 4 makes
  // W4A8 (weights symmetric in [-7, 7], TFLite's INT4; activations int8).
  std::vector<uint8_t> weight_bits;
};

struct QuantizeReport {
  size_t int8_nodes = 0;
  // Nodes left float and why ("MEAN: no int8 kernel"), in node order.
  std::vector<std::string> float_nodes;
};

// Whether node n of the prepared graph can run in int8 (without the ranges:
// its op and operand kinds). `why` says why not.
bool node_quantizable(const Graph& graph, NodeId n, std::string* why);

Result<Graph> quantize_graph(const Graph& prepared,
                             std::span<const std::optional<ValueRange>> ranges,
                             const QuantizeOptions& options, QuantizeReport* report = nullptr);

}  // namespace odin
