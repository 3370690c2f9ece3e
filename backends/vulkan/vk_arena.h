// The device activation arena: values whose lifetimes (in dispatch steps)
// do not overlap share bytes. Greedy best fit, largest first, as the host
// memory planner does.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace odin::vk {

struct ArenaRequest {
  int32_t first = 0, last = 0;  // steps that use the value, inclusive
  uint64_t bytes = 0;
};

struct ArenaPlan {
  std::vector<uint64_t> offsets;  // per request
  uint64_t bytes = 0;
};

ArenaPlan plan_arena(std::span<const ArenaRequest> requests, uint64_t alignment);

}  // namespace odin::vk
