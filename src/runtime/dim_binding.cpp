#include "runtime/dim_binding.h"

#include "ops/op_def.h"

namespace odin {
namespace {

// Upper bound on a symbol's maximum: far above any context an LLM has, and
// low enough that planning at the maximum cannot overflow.
constexpr int64_t kMaxSymbolValue = int64_t{1} << 24;

const DimSymbol* find_symbol(std::span<const DimSymbol> symbols, const std::string& name) {
  for (const DimSymbol& s : symbols)
    if (s.name == name) return &s;
  return nullptr;
}

// `graph` inferred with its inputs' symbolic dims at `value_of(symbol)`.
template <typename ValueOf>
Result<Graph> infer_at(const Graph& graph, ValueOf value_of) {
  Graph g = graph;
  for (ValueId in : g.inputs()) {
    Shape& s = g.value(in).shape;
    for (size_t d = 0; d < s.rank(); ++d)
      if (!s.symbol(d).empty()) s[d] = value_of(s.symbol(d));
  }
  for (const Node& n : g.nodes())
    for (ValueId v : n.outputs) g.value(v).shape = Shape();
  ODIN_RETURN_IF_ERROR(infer_graph(g));
  return g;
}

}  // namespace

Status bind_dim_symbols(Graph& graph) {
  const std::vector<DimSymbol>& symbols = graph.dim_symbols();
  if (symbols.empty()) return Status();
  for (const DimSymbol& s : symbols)
    if (s.name.empty() || s.max < 1 || s.max > kMaxSymbolValue)
      return make_error(StatusCode::kInvalidArgument, "dim symbol '", s.name, "' has maximum ",
                        s.max, " (1 to ", kMaxSymbolValue, " expected)");
  for (ValueId in : graph.inputs()) {
    const Shape& s = graph.value(in).shape;
    for (size_t d = 0; d < s.rank(); ++d)
      if (s[d] == kDynamicDim && !find_symbol(symbols, s.symbol(d)))
        return make_error(StatusCode::kInvalidArgument, graph.describe_value(in), " dim ", d,
                          " is dynamic and names no dim symbol of the graph");
  }
  auto at_max = [&](const std::string& name) { return find_symbol(symbols, name)->max; };
  ODIN_ASSIGN_OR_RETURN(Graph full, infer_at(graph, at_max));
  for (const DimSymbol& sym : symbols) {
    if (sym.max < 2) continue;  // cannot vary
    auto one_less = [&](const std::string& name) {
      return name == sym.name ? sym.max - 1 : at_max(name);
    };
    ODIN_ASSIGN_OR_RETURN(Graph alt, infer_at(graph, one_less));
    for (size_t v = 0; v < full.num_values(); ++v) {
      const auto id = static_cast<ValueId>(v);
      Shape& s = full.value(id).shape;
      const Shape& a = alt.value(id).shape;
      if (s == a) continue;
      if (s.rank() != a.rank())
        return make_error(StatusCode::kUnsupported, full.describe_value(id),
                          " changes rank with dim symbol '", sym.name, "'");
      for (size_t d = 0; d < s.rank(); ++d) {
        if (s[d] == a[d]) continue;
        bool outermost = s[d] == sym.max && a[d] == sym.max - 1 &&
                         (s.symbol(d).empty() || s.symbol(d) == sym.name);
        for (size_t e = 0; e < s.rank(); ++e)
          if (e != d && (e < d ? s[e] != 1 : s[e] != a[e])) outermost = false;
        if (!outermost)
          return make_error(StatusCode::kUnsupported, full.describe_value(id), " ", s.str(),
                            ": dim ", d, " follows dim symbol '", sym.name,
                            "' but is not the value's outermost dim equal to it");
        s.set_symbol(d, sym.name);
      }
    }
  }
  graph = std::move(full);
  return Status();
}

Shape run_shape(const Shape& planned, std::span<const DimSymbol> symbols,
                std::span<const int64_t> values) {
  Shape s = planned;
  for (size_t d = 0; d < s.rank(); ++d) {
    if (s.symbol(d).empty()) continue;
    for (size_t i = 0; i < symbols.size() && i < values.size(); ++i)
      if (symbols[i].name == s.symbol(d)) s[d] = values[i];
  }
  return s;
}

}  // namespace odin
