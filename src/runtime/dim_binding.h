// Dims whose size each run sets (Graph::dim_symbols, an LLM's "seq"): a
// session infers, plans and compiles its graph once with every symbol at
// its maximum, and finds which dims of which values follow a symbol by
// inferring the graph a second time with that symbol one smaller (a dim
// that changes with it follows it). Such dims are marked with the symbol
// (Shape::symbol). A run with the symbol at n then sees those dims as n:
// each must be the outermost dim of its value that is not 1, so the
// smaller tensor is a prefix of the planned bytes and nothing moves.
#pragma once

#include <span>

#include "core/graph.h"

namespace odin {

// Replaces `graph` by its inferred form at the symbols' maxima, with the
// dims that follow a symbol marked. A graph without symbols is left alone.
Status bind_dim_symbols(Graph& graph);

// `planned` with each marked dim set to its symbol's value in this run
// (`values[i]` for graph.dim_symbols()[i]).
Shape run_shape(const Shape& planned, std::span<const DimSymbol> symbols,
                std::span<const int64_t> values);

}  // namespace odin
