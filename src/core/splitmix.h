// Deterministic test inputs: SplitMix64 (seed, then the golden-ratio
// increment and its two multiply-xorshift rounds), the top 24 bits of each
// draw as a uniform in [lo, hi]. The reference runners (LiteRT.js, ONNX
// Runtime) use the same generator with seed 1 + input index in [-1, 1], so
// odin bench, the tests and the peers can feed every runtime one input.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace odin {

std::vector<float> splitmix_values(size_t n, uint64_t seed, float lo, float hi);

}  // namespace odin
