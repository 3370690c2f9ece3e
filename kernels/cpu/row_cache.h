// Converted input rows of a sliding window, cached per thread: slot iy mod
// `slots` holds row iy once converted, so consecutive output rows (whose
// windows overlap) convert each input row once, and rows outside the image
// all read one constant row. The int8 depthwise kernels' rows (int16 x - zx,
// and the VNNI kernel's blocked x + 128).
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

namespace odin::cpu {

template <typename T>
class RowCache {
 public:
  // Room for `slots` rows of `pitch` elements and the outside row (every
  // element `outside`); no row cached.
  void reset(int64_t slots, int64_t pitch, T outside) {
    slots_ = slots;
    pitch_ = pitch;
    const auto at = static_cast<size_t>(slots * pitch), n = static_cast<size_t>(pitch);
    if (buffer_.size() < at + n) buffer_.resize(at + n);
    std::fill(buffer_.begin() + static_cast<std::ptrdiff_t>(at),
              buffer_.begin() + static_cast<std::ptrdiff_t>(at + n), outside);
    tags_.assign(static_cast<size_t>(slots), -1);
  }
  // Another image: no row is cached any more.
  void forget() { std::fill(tags_.begin(), tags_.end(), -1); }
  const T* outside() const { return buffer_.data() + slots_ * pitch_; }
  // Row iy's slot; *cached: it holds row iy already (else the caller
  // converts the row into it).
  T* slot(int64_t iy, bool* cached) {
    const auto s = static_cast<size_t>(iy % slots_);
    *cached = tags_[s] == iy;
    tags_[s] = iy;
    return buffer_.data() + static_cast<int64_t>(s) * pitch_;
  }

 private:
  std::vector<T> buffer_;
  std::vector<int64_t> tags_;  // the row each slot holds (or -1)
  int64_t slots_ = 0, pitch_ = 0;
};

}  // namespace odin::cpu
