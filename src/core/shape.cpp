#include "core/shape.h"

#include <sstream>

namespace odin {

bool Shape::is_static() const {
  for (int64_t d : dims_)
    if (d < 0) return false;
  return true;
}

int64_t Shape::num_elements() const {
  int64_t n = 1;
  for (int64_t d : dims_) {
    if (d < 0) return -1;
    if (d != 0 && n > kMaxTensorElements / d) return -1;
    n *= d;
  }
  return n;
}

const std::string& Shape::symbol(size_t i) const {
  static const std::string kNone;
  return i < symbols_.size() ? symbols_[i] : kNone;
}

bool Shape::has_symbols() const {
  for (const std::string& s : symbols_)
    if (!s.empty()) return true;
  return false;
}

void Shape::set_symbol(size_t i, std::string name) {
  if (symbols_.size() < dims_.size()) symbols_.resize(dims_.size());
  if (i < symbols_.size()) symbols_[i] = std::move(name);
}

std::string Shape::str() const {
  std::ostringstream os;
  os << "[";
  for (size_t i = 0; i < dims_.size(); ++i) {
    if (i) os << ",";
    if (dims_[i] >= 0)
      os << dims_[i];
    else if (!symbol(i).empty())
      os << symbol(i);
    else
      os << "?";
  }
  os << "]";
  return os.str();
}

bool normalize_axis(int64_t axis, size_t rank, int64_t* out) {
  const int64_t r = static_cast<int64_t>(rank);
  if (axis < -r || axis >= r) return false;
  *out = axis < 0 ? axis + r : axis;
  return true;
}

std::vector<int64_t> row_major_strides(const Shape& shape) {
  std::vector<int64_t> strides(shape.rank(), 1);
  for (size_t i = shape.rank(); i-- > 1;) strides[i - 1] = strides[i] * shape[i];
  return strides;
}

std::array<int64_t, 4> dims4(const Shape& shape) {
  std::array<int64_t, 4> d = {1, 1, 1, 1};
  const size_t r = shape.rank() < 4 ? shape.rank() : 4;
  for (size_t i = 0; i < r; ++i) d[4 - r + i] = shape[shape.rank() - r + i];
  return d;
}

}  // namespace odin
