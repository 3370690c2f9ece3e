// Affine int8/uint8 on OpenCL, how it is stored and computed:
// - Storage: one byte per element in the byte buffer (the kernels' last
//   argument, mq): its byte constants first (int8 weights as the model's
//   bytes, lookup tables), then the arena of the segment's int8/uint8
//   values, planned by lifetime as the other two buffers are (RESHAPE
//   outputs alias their input's bytes); operand offsets in bytes. Byte
//   stores are core OpenCL since 1.1, so each work item writes its own
//   bytes (no word packing, unlike Vulkan's vk_quant.h). Binary16 storage
//   (reduced precision) leaves them bytes: the integer ops stay exact.
// - Tables of int32 (per-channel requantization, resize samples, SOFTMAX's
//   exp table as float bits) go to the int32 buffer.
// - Compute: exact integer arithmetic, as TFLite's reference integer
//   kernels: int32 sums of (x - x_zero) (w - w_zero), then requantization by
//   the Q31 multiplier and shift of quant/affine.h (64-bit products,
//   kernels/opencl/quant.cl), so the results equal the reference kernels
//   bit for bit.
// Which nodes run and the integers the host computes for them are shared
// with Vulkan (ops/q8_gpu.h); this file binds them to launches.
#pragma once

#include <cstdint>

#include "backends/opencl/cl_lower.h"
#include "ops/q8_gpu.h"
#include "quant/affine.h"

namespace odin::cl {

// The q8 entries' check: ops/q8_gpu.h's, declined in OpenCL's words.
Support supports_q8(const Graph& graph, const Node& node);
// The kernels' sign argument: 128 for int8, 0 for uint8 (a byte b holds
// (b ^ sign) - sign).
int32_t sign_arg(DType dtype);
// An int8/uint8 operand: a constant's bytes uploaded as they are, else the
// arena value.
Operand q8_operand(LowerContext& ctx, ValueId v);
// Arguments: m as (multiplier, shift); an output's zero point and its
// fused activation's range (zero, lo, hi).
void arg_multiplier(Launch& l, FixedPointMultiplier m);
void arg_output_range(Launch& l, const Value& out, Activation activation);

}  // namespace odin::cl
