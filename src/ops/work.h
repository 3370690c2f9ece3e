// Small helpers for the ops' work estimates (OpDef::work): saturating
// products and shape lookups that give -1 for unknown sizes.
#pragma once

#include <cstdint>

#include "core/graph.h"

namespace odin::work {

constexpr int64_t kCap = INT64_MAX / 4;

// a * b, capped at kCap; -1 when either is unknown (negative).
inline int64_t mul(int64_t a, int64_t b) {
  if (a < 0 || b < 0) return -1;
  if (a != 0 && b > kCap / a) return kCap;
  return a * b;
}

inline int64_t elements(const Graph& g, ValueId v) {
  return v == kNoValue ? 0 : g.value(v).shape.num_elements();
}

// Dim i of v's shape; -1 when absent or unknown.
inline int64_t dim(const Graph& g, ValueId v, size_t i) {
  const Shape& s = g.value(v).shape;
  return i < s.rank() ? s[i] : -1;
}

}  // namespace odin::work
