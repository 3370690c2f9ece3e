// The host side the GPU backends' int8/uint8 kernels share (Vulkan's
// q8_*.comp, OpenCL's q8_*.cl): which nodes those kernels compute, and the
// integers they read, made once at compile. The kernels compute as TFLite's
// reference integer kernels (quant/affine.h), so a backend that runs a node
// these checks accept gives the reference's bytes. Checks return why a node
// is declined (each backend prefixes its name), or empty when it runs.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "core/graph.h"
#include "core/status.h"
#include "quant/affine.h"

namespace odin {

// A node computes on affine int8/uint8 values: one of its inputs or outputs
// has such a dtype (QUANTIZE and DEQUANTIZE included).
bool is_quantized_node(const Graph& graph, const Node& node);
// Value v is int8 or uint8 with one scale (per tensor).
bool is_per_tensor_affine(const Value& v);
// The zero point of per-tensor value v.
int32_t zero_of(const Value& v);

// Why the q8 kernels cannot compute `node` (an int8/uint8 node of one of
// the ops below), or empty when they can: CONV_2D, DEPTHWISE_CONV_2D,
// FULLY_CONNECTED, ADD, SUB, MUL, LOGISTIC, TANH, HARD_SWISH, RELU, RELU6,
// RELU_N1_TO_1, PRELU, AVERAGE/MAX_POOL_2D, PAD, RESIZE_BILINEAR,
// CONCATENATION, RESHAPE, SQUEEZE, QUANTIZE, DEQUANTIZE, SOFTMAX.
std::string q8_gpu_unsupported(const Graph& graph, const Node& node);

// A constant's bytes as the model stores them (zeros if released).
std::vector<uint8_t> q8_constant_bytes(const Value& v);

// Per output channel of CONV_2D, DEPTHWISE_CONV_2D or FULLY_CONNECTED
// (inputs x, w, optional int32 bias; output y): bias, weight zero point,
// multiplier, shift.
std::vector<int32_t> q8_channel_params(const Graph& graph, const Node& node, int64_t channels);

// An output's zero point and its fused activation's range: zero, lo, hi.
std::array<int32_t, 3> q8_output_range(const Value& out, Activation activation);

// ADD and SUB: the multipliers of a, b and the sum (affine_addition); MUL:
// the product's multiplier, then two zeros (as the reference, in double).
std::array<FixedPointMultiplier, 3> q8_binary_multipliers(const Graph& graph, const Node& node);

// QUANTIZE int8/uint8 -> int8/uint8: x's scale over y's (in double, as the
// reference kernel).
FixedPointMultiplier q8_requantize_multiplier(const Value& x, const Value& y);

// The lookup tables of an elementwise node on one input byte (LOGISTIC,
// TANH, HARD_SWISH, the RELUs: one; PRELU: one per channel of the last
// axis, or one for a single alpha).
int64_t q8_lut_channels(const Graph& graph, const Node& node);
// table[b * channels + c]: the output byte for input byte b in channel c,
// computed by the node's reference kernel over every byte, so the tables
// are the reference's by construction.
Result<std::vector<uint8_t>> q8_lookup_table(const Graph& graph, const Node& node);

// PAD's leading paddings, right-aligned in 4 dims (a rank of at most 4).
Result<std::array<int64_t, 4>> q8_pad_before(const Graph& graph, const Node& node);

}  // namespace odin
