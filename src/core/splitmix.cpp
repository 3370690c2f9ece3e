#include "core/splitmix.h"

namespace odin {

std::vector<float> splitmix_values(size_t n, uint64_t seed, float lo, float hi) {
  std::vector<float> out(n);
  uint64_t state = seed;
  for (size_t i = 0; i < n; ++i) {
    uint64_t z = (state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    z ^= z >> 31;
    const double u = static_cast<double>(z >> 40) / 16777216.0;  // 24 bits in [0, 1)
    out[i] = static_cast<float>(lo + (static_cast<double>(hi) - lo) * u);
  }
  return out;
}

}  // namespace odin
