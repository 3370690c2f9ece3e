// IEEE 754 binary16 <-> binary32, exact (round-to-nearest-even on the way
// down), shared by every backend and the reference kernels.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "core/graph.h"

namespace odin {

float fp16_to_fp32(uint16_t h);
uint16_t fp32_to_fp16(float f);

// n little-endian binary16 values at src (any alignment) to float32, exactly,
// with SIMD where the CPU has it (fp16_simd.cpp).
void fp16_to_fp32(const uint8_t* src, float* dst, size_t n);
// n float32 values to little-endian binary16 at dst (any alignment), rounded
// to nearest even, with SIMD where the CPU has it.
void fp32_to_fp16(const float* src, uint8_t* dst, size_t n);

// A float32 or float16 constant's elements as float32; nullopt when v is not
// such a constant or holds fewer bytes than its shape needs.
std::optional<std::vector<float>> read_float_constant(const Value& v);

}  // namespace odin
