#include "core/const_data.h"

#include <cstring>

namespace odin {
namespace {

// Elements of v if its payload holds them all; -1 otherwise.
int64_t checked_count(const Value& v, size_t elem) {
  const int64_t n = v.shape.num_elements();
  if (!v.data || n < 0 || static_cast<size_t>(n) * elem > v.data_bytes) return -1;
  return n;
}

}  // namespace

std::optional<std::vector<int64_t>> read_int_constant(const Value& v) {
  const size_t elem = v.dtype == DType::kI32 ? 4 : v.dtype == DType::kI64 ? 8 : 0;
  const int64_t n = elem ? checked_count(v, elem) : -1;
  if (n < 0) return std::nullopt;
  std::vector<int64_t> out(static_cast<size_t>(n));
  for (size_t k = 0; k < out.size(); ++k) {
    if (elem == 4) {
      int32_t x;
      std::memcpy(&x, v.data + k * 4, 4);
      out[k] = x;
    } else {
      std::memcpy(&out[k], v.data + k * 8, 8);
    }
  }
  return out;
}

}  // namespace odin
