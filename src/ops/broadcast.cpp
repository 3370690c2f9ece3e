#include "ops/broadcast.h"

#include <algorithm>

namespace odin {

bool broadcast_shapes(const Shape& a, const Shape& b, Shape* out) {
  const size_t rank = std::max(a.rank(), b.rank());
  std::vector<int64_t> dims(rank);
  for (size_t i = 0; i < rank; ++i) {
    // Walk from the right; a missing leading dim behaves as 1.
    const int64_t da = i < a.rank() ? a[a.rank() - 1 - i] : 1;
    const int64_t db = i < b.rank() ? b[b.rank() - 1 - i] : 1;
    int64_t d;
    if (da == db || db == 1) {
      d = da;
    } else if (da == 1) {
      d = db;
    } else if (da < 0) {
      d = db;
    } else if (db < 0) {
      d = da;
    } else {
      return false;
    }
    dims[rank - 1 - i] = d;
  }
  *out = Shape(std::move(dims));
  return true;
}

std::array<int64_t, 4> broadcast_strides4(const Shape& in, const Shape& out) {
  const std::array<int64_t, 4> di = dims4(in), dout = dims4(out);
  std::array<int64_t, 4> st{};
  int64_t stride = 1;
  for (size_t d = 4; d-- > 0;) {
    st[d] = (di[d] == 1 && dout[d] != 1) ? 0 : stride;
    stride *= di[d];
  }
  return st;
}

}  // namespace odin
