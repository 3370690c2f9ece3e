// Lifetime-based activation arena: every non-constant value gets an offset in
// one buffer; values whose lifetimes do not overlap share bytes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "core/graph.h"

namespace odin {

struct MemoryPlan {
  static constexpr size_t kNoOffset = SIZE_MAX;
  std::vector<size_t> offsets;  // per value; kNoOffset for constants/unused
  size_t arena_bytes = 0;
};

// Alignment of every arena offset (fits AVX-512 loads).
constexpr size_t kArenaAlignment = 64;

// Graph inputs live from the start, graph outputs to the end. Greedy
// best-fit by size, largest first (as TFLite's arena planner does).
Result<MemoryPlan> plan_memory(const Graph& graph);

}  // namespace odin
