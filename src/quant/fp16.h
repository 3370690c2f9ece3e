// IEEE 754 binary16 <-> binary32, exact (round-to-nearest-even on the way
// down), shared by every backend and the reference kernels.
#pragma once

#include <cstdint>

namespace odin {

float fp16_to_fp32(uint16_t h);
uint16_t fp32_to_fp16(float f);

}  // namespace odin
