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
// read, once, at compile: the backend-neutral part (which nodes run, the
// tables) is ops/q8_gpu.h, shared with OpenCL; this file binds it to
// dispatches.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "backends/vulkan/vk_lower.h"
#include "ops/q8_gpu.h"
#include "quant/affine.h"

namespace odin::vk {

// The q8 entries' check: ops/q8_gpu.h's, declined in Vulkan's words.
Support supports_q8(const Graph& graph, const Node& node);
// Specialization constant SIGNED of the q8 kernels: 1 for int8, 0 for uint8.
int32_t signed_spec(DType dtype);

// Per output channel of CONV_2D, DEPTHWISE_CONV_2D or FULLY_CONNECTED (inputs
// x, w, optional bias; output y): {bias, weight zero point, multiplier,
// shift} (q8_channel_params) as an int32 ivec4, uploaded as a blob;
// returns the blob index.
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
