#include "core/arena_plan.h"

#include <algorithm>
#include <numeric>

namespace odin {

ArenaPlan plan_arena(std::span<const ArenaRequest> requests, uint64_t alignment) {
  auto align = [&](uint64_t n) { return (n + alignment - 1) / alignment * alignment; };
  std::vector<size_t> order(requests.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return requests[a].bytes != requests[b].bytes ? requests[a].bytes > requests[b].bytes
                                                  : requests[a].first < requests[b].first;
  });
  ArenaPlan plan;
  plan.offsets.assign(requests.size(), 0);
  std::vector<size_t> placed;
  for (size_t i : order) {
    const ArenaRequest& r = requests[i];
    const uint64_t size = align(std::max<uint64_t>(r.bytes, 1));
    std::vector<std::pair<uint64_t, uint64_t>> busy;
    for (size_t j : placed)
      if (requests[j].first <= r.last && r.first <= requests[j].last)
        busy.emplace_back(plan.offsets[j],
                          plan.offsets[j] + align(std::max<uint64_t>(requests[j].bytes, 1)));
    std::sort(busy.begin(), busy.end());
    uint64_t best = UINT64_MAX, best_gap = UINT64_MAX, cursor = 0;
    for (const auto& [lo, hi] : busy) {
      if (lo > cursor && lo - cursor >= size && lo - cursor < best_gap) {
        best = cursor;
        best_gap = lo - cursor;
      }
      cursor = std::max(cursor, hi);
    }
    if (best == UINT64_MAX) best = cursor;
    plan.offsets[i] = best;
    plan.bytes = std::max(plan.bytes, best + size);
    placed.push_back(i);
  }
  return plan;
}

}  // namespace odin
