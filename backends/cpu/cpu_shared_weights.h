// The CPU backend's part of SharedWeights: quantized matrices packed by the
// first session that needs them, found by every later one.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <tuple>

#include "kernels/cpu/aligned_buffer.h"
#include "kernels/cpu/quant_matmul.h"
#include "runtime/shared_weights.h"

namespace odin {

class CpuSharedWeights {
 public:
  explicit CpuSharedWeights(SharedWeights& owner) : owner_(owner) {}
  // w packed (prepack_quant_matmul on `pool`), once per matrix: null when it
  // cannot be. Valid as long as the owner.
  const cpu::PackedQuantMatmul* packed(const cpu::QuantMatmul& w, ThreadPool* pool);

 private:
  // A matrix is its bytes read in one format and shape (the bias too).
  using Key = std::tuple<const uint8_t*, BlockFormat, int64_t, int64_t, const float*>;
  SharedWeights& owner_;
  std::mutex mu_;
  cpu::WeightArena arena_;
  std::map<Key, std::unique_ptr<cpu::PackedQuantMatmul>> packed_;
};

}  // namespace odin
