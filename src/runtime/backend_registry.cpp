// Process-wide backend instances, made on first use from the build's list.
#include <mutex>

#include "runtime/backend.h"

namespace odin {

Backend* find_backend(std::string_view name) {
  static std::mutex mu;
  static std::vector<std::pair<std::string, std::unique_ptr<Backend>>> made;
  std::lock_guard<std::mutex> lock(mu);
  for (auto& [n, b] : made)
    if (n == name) return b.get();
  for (const BackendEntry& e : builtin_backend_entries())
    if (name == e.name) {
      made.emplace_back(e.name, e.make());
      return made.back().second.get();
    }
  return nullptr;
}

std::vector<std::string> built_backends() {
  std::vector<std::string> names;
  for (const BackendEntry& e : builtin_backend_entries()) names.emplace_back(e.name);
  return names;
}

}  // namespace odin
