// The CPU backend: runs every op odin knows, node by node, with the reference
// kernels (optimized kernels replace them op by op as they land).
#pragma once

#include <memory>

#include "backends/backend.h"

namespace odin {

std::unique_ptr<Backend> make_cpu_backend();

}  // namespace odin
