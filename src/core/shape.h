// Tensor shapes. A dimension is a non-negative size, or kDynamicDim when it is
// only known at run time; a dynamic dimension may carry a symbol name (e.g.
// "seq") so that LLM graphs can tie dimensions together.
#pragma once

#include <array>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

namespace odin {

constexpr int64_t kDynamicDim = -1;
// Upper bound on elements in one tensor (2^40): keeps every byte count far
// from int64 overflow, and rejects hostile shapes early.
constexpr int64_t kMaxTensorElements = int64_t{1} << 40;

class Shape {
 public:
  Shape() = default;
  Shape(std::initializer_list<int64_t> dims) : dims_(dims) {}
  explicit Shape(std::vector<int64_t> dims) : dims_(std::move(dims)) {}

  size_t rank() const { return dims_.size(); }
  int64_t operator[](size_t i) const { return dims_[i]; }
  int64_t& operator[](size_t i) { return dims_[i]; }
  const std::vector<int64_t>& dims() const { return dims_; }
  std::vector<int64_t>& dims() { return dims_; }

  bool is_static() const;
  // Product of dims; -1 when a dim is dynamic or the product exceeds
  // kMaxTensorElements (so callers need only one check).
  int64_t num_elements() const;

  // Symbolic name of dim i, "" when none. A static dim may carry one too:
  // in a session's graph it marks a dim planned at the symbol's maximum
  // whose size each run sets (DimSymbol).
  const std::string& symbol(size_t i) const;
  bool has_symbols() const;
  void set_symbol(size_t i, std::string name);

  // "[1,128,128,3]"; dynamic dims print as "?" or their symbol.
  std::string str() const;

  bool operator==(const Shape& o) const { return dims_ == o.dims_; }
  bool operator!=(const Shape& o) const { return !(*this == o); }

 private:
  std::vector<int64_t> dims_;
  std::vector<std::string> symbols_;  // empty, or one per dim
};

// Normalises a possibly negative axis against rank; false if out of range.
bool normalize_axis(int64_t axis, size_t rank, int64_t* out);

// Row-major strides in elements.
std::vector<int64_t> row_major_strides(const Shape& shape);

// The dims right-aligned into 4, leading 1s: [c] -> [1,1,1,c]. Rank <= 4.
std::array<int64_t, 4> dims4(const Shape& shape);

}  // namespace odin
