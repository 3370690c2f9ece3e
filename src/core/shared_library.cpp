#include "core/shared_library.h"

#include <dlfcn.h>

#include <cstdlib>

namespace odin {

void* open_shared_library(const char* override_env, std::initializer_list<const char*> names,
                          std::string* tried) {
  tried->clear();
  // An explicit choice is not second-guessed.
  const char* chosen = std::getenv(override_env);
  const std::initializer_list<const char*> only = {chosen};
  for (const char* name : chosen&&* chosen ? only : names) {
    if (void* lib = dlopen(name, RTLD_NOW | RTLD_LOCAL)) return lib;
    *tried += (tried->empty() ? "" : ", ") + std::string(name);
  }
  return nullptr;
}

}  // namespace odin
