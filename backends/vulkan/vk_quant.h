// Affine int8/uint8 on Vulkan, how it is stored and computed:
// - Storage: one byte per element in the arena and in weight blobs, four to
//   a 32-bit word (element i in bits 8 * (i % 4)); kernels read bytes with
//   bitfieldExtract and each invocation writes whole words (four consecutive
//   elements), so no two invocations share a word and no device feature
//   beyond Vulkan 1.1 is needed (8-bit storage is not used).
// - Compute: exact integer arithmetic, as TFLite's reference integer
//   kernels: int32 sums of (x - x_zero) (w - w_zero), then requantization by
//   the Q31 multiplier and shift of quant/affine.h (32x32 -> 64-bit products
//   from imulExtended, kernels/vulkan/quant.glsl), so the results equal the
//   reference kernels bit for bit.
// The host turns a node's quantization tables into the integers the kernels
// read (this file), once, at compile.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "backends/vulkan/vk_lower.h"
#include "quant/affine.h"

namespace odin::vk {

// Value v is int8 or uint8 with one scale (per tensor).
bool is_per_tensor_affine(const Value& v);
// Specialization constant SIGNED of the q8 kernels: 1 for int8, 0 for uint8.
int32_t signed_spec(DType dtype);
// The zero point of per-tensor value v.
int32_t zero_of(const Value& v);

// Why a weighted op's int32 sums could overflow (`terms` products per sum
// plus the bias), or empty when they cannot: then the kernels' int32 sums
// equal the reference's 64-bit ones.
std::string sum_overflow(const Graph& graph, const Node& node, int64_t terms);
// Per output channel of CONV_2D, DEPTHWISE_CONV_2D or FULLY_CONNECTED (inputs
// x, w, optional bias; output y): {bias, weight zero point, multiplier,
// shift} as an int32 ivec4, uploaded as a blob; returns the blob index.
int32_t add_channel_params(LowerContext& ctx, const Node& node, int64_t channels);

// Push constants: m as (multiplier, shift); an output's zero point and its
// fused activation's range (zero, lo, hi).
void push_multiplier(Dispatch& d, FixedPointMultiplier m);
void push_output_range(Dispatch& d, const Value& out, Activation activation);

// An int8 operand: a constant's bytes uploaded as they are, else the arena value.
Operand q8_operand(LowerContext& ctx, ValueId v);
// One invocation per output word (four elements).
void set_word_invocations(Dispatch& d, int64_t elements);

}  // namespace odin::vk
