// The two graph edits the quantizers make: a conversion node (QUANTIZE,
// DEQUANTIZE) into a new value, and a constant the graph owns.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/graph.h"

namespace odin {

// Adds value `to` and the node `op` (from -> to) at the end of `nodes`
// (the node list being rebuilt); returns `to`'s id.
ValueId add_conversion(Graph& g, OpType op, ValueId from, Value to, std::vector<Node>& nodes);

// A constant with `like`'s shape, named like.name + suffix, owning `bytes`.
ValueId add_owned_constant(Graph& g, const Value& like, const std::string& suffix, DType dtype,
                           std::optional<QuantParams> quant, std::vector<uint8_t> bytes);

}  // namespace odin
