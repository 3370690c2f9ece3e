// The requantization tables of the optimized int8 kernels (int8_kernels.h).
#include <algorithm>
#include <cmath>

#include "kernels/cpu/int8_kernels.h"

namespace odin::cpu {

float multiplier_as_float(const FixedPointMultiplier& m) {
  return static_cast<float>(std::ldexp(static_cast<double>(m.multiplier), m.shift - 31));
}

Int8Requant make_int8_requant(const std::vector<FixedPointMultiplier>& m, int32_t zero,
                              QuantizedRange range, bool out_unsigned, Int8Rounding rounding) {
  const auto n = static_cast<int64_t>(m.size());
  const auto padded = static_cast<size_t>((n + kInt8Panel - 1) / kInt8Panel * kInt8Panel);
  Int8Requant q;
  q.bias.assign(padded, 0);
  q.multiplier.assign(padded, 0);
  q.left.assign(padded, 0);
  q.right.assign(padded, 0);
  q.scale.assign(padded, 0.0f);
  for (size_t c = 0; c < m.size(); ++c) {
    q.multiplier[c] = m[c].multiplier;
    q.left[c] = std::max(m[c].shift, 0);
    q.right[c] = std::min(std::max(-m[c].shift, 0), 31);
    q.scale[c] = multiplier_as_float(m[c]);
    q.any_left = q.any_left || q.left[c] != 0;
  }
  q.zero = zero;
  q.lo = range.min;
  q.hi = range.max;
  q.out_unsigned = out_unsigned;
  q.rounding = rounding;
  const QuantizedRange whole = out_unsigned ? QuantizedRange{0, 255} : QuantizedRange{-128, 127};
  q.saturate =
      rounding == Int8Rounding::kFloat && range.min == whole.min && range.max == whole.max &&
      std::all_of(q.scale.begin(), q.scale.end(), [](float s) { return std::fabs(s) < 0.5f; });
  return q;
}

namespace {

template <typename T>
std::vector<T> picked(const std::vector<T>& table, const std::vector<int64_t>& from) {
  std::vector<T> out(from.size(), T{0});
  for (size_t i = 0; i < from.size(); ++i)
    if (from[i] >= 0 && static_cast<size_t>(from[i]) < table.size())
      out[i] = table[static_cast<size_t>(from[i])];
  return out;
}

}  // namespace

Int8Requant Int8Requant::pick(const std::vector<int64_t>& from) const {
  Int8Requant h = *this;
  for (std::vector<int32_t>* t : {&h.bias, &h.multiplier, &h.left, &h.right}) *t = picked(*t, from);
  if (!h.bias_saturating.empty()) h.bias_saturating = picked(h.bias_saturating, from);
  h.scale = picked(scale, from);
  return h;
}

}  // namespace odin::cpu
