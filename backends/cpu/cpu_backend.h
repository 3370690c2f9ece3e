// The CPU backend: runs every op odin knows. At compile time each node gets
// an optimized kernel (kernels/cpu, SIMD + threads) when one applies to its
// shapes and attributes, else its reference kernel. CompileOptions::optimize
// = false keeps every node on the reference kernels.
#pragma once

#include <memory>

#include "runtime/backend.h"

namespace odin {

std::unique_ptr<Backend> make_cpu_backend();

}  // namespace odin
