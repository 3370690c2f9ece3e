// Process-wide backend instances: the build's list, made on first use, and
// any an application (or a test) registers.
#include <mutex>

#include "runtime/backend.h"

namespace odin {
namespace {

struct Registry {
  std::mutex mu;
  std::vector<std::pair<std::string, std::unique_ptr<Backend>>> made;
  Backend* made_backend(std::string_view name) {
    for (auto& [n, b] : made)
      if (n == name) return b.get();
    return nullptr;
  }
};

Registry& registry() {
  static Registry r;
  return r;
}

}  // namespace

Backend* find_backend(std::string_view name) {
  Registry& r = registry();
  std::lock_guard<std::mutex> lock(r.mu);
  if (Backend* b = r.made_backend(name)) return b;
  for (const BackendEntry& e : builtin_backend_entries())
    if (name == e.name) {
      r.made.emplace_back(e.name, e.make());
      return r.made.back().second.get();
    }
  return nullptr;
}

Status register_backend(std::unique_ptr<Backend> backend) {
  if (!backend) return make_error(StatusCode::kInvalidArgument, "register_backend: no backend");
  const std::string name(backend->name());
  for (const BackendEntry& e : builtin_backend_entries())
    if (name == e.name)
      return make_error(StatusCode::kInvalidArgument, "a built-in backend is named '", name, "'");
  Registry& r = registry();
  std::lock_guard<std::mutex> lock(r.mu);
  if (r.made_backend(name))
    return make_error(StatusCode::kInvalidArgument, "a backend named '", name,
                      "' is registered already");
  r.made.emplace_back(name, std::move(backend));
  return Status();
}

std::vector<std::string> built_backends() {
  std::vector<std::string> names;
  for (const BackendEntry& e : builtin_backend_entries()) names.emplace_back(e.name);
  return names;
}

}  // namespace odin
