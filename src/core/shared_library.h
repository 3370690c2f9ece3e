// Opening a library at run time (the GPU APIs' loaders are never linked, so
// a machine without them still runs on the CPU).
#pragma once

#include <initializer_list>
#include <string>

namespace odin {

// The first of `names` that dlopen loads (RTLD_NOW | RTLD_LOCAL); when the
// environment variable `override_env` is set, its value is the only name
// tried. Null when none loads, with *tried listing the names ("a, b").
void* open_shared_library(const char* override_env, std::initializer_list<const char*> names,
                          std::string* tried);

}  // namespace odin
