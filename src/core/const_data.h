// Reading the payload of constant values. Constants sit anywhere in a model
// file (no alignment promise), so elements are copied out with memcpy.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "core/graph.h"

namespace odin {

// An int32 or int64 constant's elements as int64; nullopt when v is not a
// constant of those types or holds fewer bytes than its shape needs.
std::optional<std::vector<int64_t>> read_int_constant(const Value& v);

}  // namespace odin
