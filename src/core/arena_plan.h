// Offsets in one arena for blocks with lifetimes: blocks whose lifetimes
// (inclusive step ranges) do not overlap may share bytes. Greedy best fit,
// largest first, as TFLite's arena planner does. Used for the session's host
// arena (runtime/memory_planner) and for device arenas (backends).
#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace odin {

struct ArenaRequest {
  int32_t first = 0, last = 0;  // steps that use the block, inclusive
  uint64_t bytes = 0;
};

struct ArenaPlan {
  std::vector<uint64_t> offsets;  // per request, each a multiple of the alignment
  uint64_t bytes = 0;             // the arena's size
};

// Every request gets at least `alignment` bytes (empty blocks too), rounded
// up to a multiple of it.
ArenaPlan plan_arena(std::span<const ArenaRequest> requests, uint64_t alignment);

}  // namespace odin
