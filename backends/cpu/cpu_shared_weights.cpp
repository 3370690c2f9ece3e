#include "backends/cpu/cpu_shared_weights.h"

namespace odin {

const cpu::PackedQuantMatmul* CpuSharedWeights::packed(const cpu::QuantMatmul& w,
                                                       ThreadPool* pool) {
  std::lock_guard<std::mutex> lock(mu_);
  const Key key{w.weights, w.format, w.n, w.k, w.bias};
  if (auto it = packed_.find(key); it != packed_.end()) return it->second.get();
  auto made = std::make_unique<cpu::PackedQuantMatmul>();
  const size_t before = arena_.bytes();
  if (!cpu::prepack_quant_matmul(w, made.get(), &arena_, pool).ok()) return nullptr;
  owner_.add_bytes(arena_.bytes() - before);
  return (packed_[key] = std::move(made)).get();
}

}  // namespace odin
