// The backends compiled into this build. Explicit (not self-registering) so
// static linking cannot drop one silently.
#include <mutex>

#include "backends/backend.h"
#include "backends/cpu/cpu_backend.h"
#ifdef ODIN_HAVE_VULKAN
#include "backends/vulkan/vulkan_backend.h"
#endif

namespace odin {
namespace {

struct Entry {
  const char* name;
  std::unique_ptr<Backend> (*make)();
};

// Preference order for "auto": GPU backends first, CPU last.
const Entry kEntries[] = {
#ifdef ODIN_HAVE_VULKAN
    {"vulkan", make_vulkan_backend},
#endif
    {"cpu", make_cpu_backend},
};

}  // namespace

Backend* find_backend(std::string_view name) {
  static std::mutex mu;
  static std::vector<std::pair<std::string, std::unique_ptr<Backend>>> made;
  std::lock_guard<std::mutex> lock(mu);
  for (auto& [n, b] : made)
    if (n == name) return b.get();
  for (const Entry& e : kEntries)
    if (name == e.name) {
      made.emplace_back(e.name, e.make());
      return made.back().second.get();
    }
  return nullptr;
}

std::vector<std::string> built_backends() {
  std::vector<std::string> names;
  for (const Entry& e : kEntries) names.emplace_back(e.name);
  return names;
}

}  // namespace odin
