// Weights that backends rearranged at compile time (packed, uploaded), kept
// for every session created with the same SharedWeights: an LLM's contexts
// pack each matrix once and hold it in memory once. Its owner (LlmModel)
// keeps it, and the graph whose constants it was made from, alive for as
// long as those sessions run.
#pragma once

#include <atomic>
#include <cstddef>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

namespace odin {

class SharedWeights {
 public:
  // Backend `backend`'s state: its own type T, made as T(*this) on first
  // use. T must lock what it shares: sessions may compile on several threads
  // at once.
  template <typename T>
  T& state(std::string_view backend) {
    std::lock_guard<std::mutex> lock(mu_);
    std::shared_ptr<void>& slot = states_[std::string(backend)];
    if (!slot) slot = std::make_shared<T>(*this);
    return *static_cast<T*>(slot.get());
  }
  // Bytes the backends keep here, as they report them.
  void add_bytes(size_t n) { bytes_ += n; }
  size_t bytes() const { return bytes_; }

 private:
  std::mutex mu_;
  std::map<std::string, std::shared_ptr<void>, std::less<>> states_;
  std::atomic<size_t> bytes_{0};
};

}  // namespace odin
