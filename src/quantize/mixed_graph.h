// A prepared float graph (calibration.h) rewritten with a precision of its
// own for each node: W4A8 (4-bit weights, TFLite's INT4, int8 activations),
// int8 (quantize_graph's W8A8), fp16 (its float32 constants stored as
// float16 behind a DEQUANTIZE, float compute: the way MediaPipe stores
// weights) or fp32 (as it is). All four are plain TFLite.
#pragma once

#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "core/graph.h"
#include "quantize/calibration.h"
#include "quantize/quantize_graph.h"

namespace odin {

// Cheapest first (the order of the knapsack's options).
enum class Precision : uint8_t { kW4A8, kInt8, kFp16, kFp32 };
constexpr size_t kNumPrecisions = 4;
constexpr Precision kAllPrecisions[] = {Precision::kW4A8, Precision::kInt8, Precision::kFp16,
                                        Precision::kFp32};
// W4A8 and int8: the node runs on int8 activations.
inline bool runs_int8(Precision p) {
  return p == Precision::kW4A8 || p == Precision::kInt8;
}
std::string_view precision_name(Precision p);

// The precisions node n of a prepared graph can take: int8 where
// node_quantizable, W4A8 too where it also has weights (CONV_2D,
// DEPTHWISE_CONV_2D, FULLY_CONNECTED), fp16 where it reads a float32
// constant, always fp32.
std::vector<Precision> precision_candidates(const Graph& prepared, NodeId n);

// `per_node` holds one precision per node of `prepared`; a node asked for a
// precision it cannot take (precision_candidates) stays fp32.
Result<Graph> build_mixed_graph(const Graph& prepared,
                                std::span<const std::optional<ValueRange>> ranges,
                                std::span<const Precision> per_node, bool per_channel,
                                QuantizeReport* report = nullptr);

// For each node of `built` (a build_mixed_graph result, or the graph a
// session made of it) the node of `prepared` it computes, -1 for the
// conversions (QUANTIZE / DEQUANTIZE) the rewrite added. Found by
// Node::source_index (prepare_for_quantization gives every node one), which
// the rewrite and the passes keep on the node doing the work: a
// convolution that a session's passes fused with the ADD or activation
// after it (fuse_add, fuse_activation) still maps to the convolution, though
// it now writes the ADD's output; the absorbed node maps from nothing.
std::vector<int> source_nodes(const Graph& prepared, const Graph& built);

// The bytes of the constants node n of `built` reads (through a DEQUANTIZE
// of a constant too), with their quantization tables as TFLite stores them.
size_t node_constant_bytes(const Graph& built, NodeId n);

}  // namespace odin
