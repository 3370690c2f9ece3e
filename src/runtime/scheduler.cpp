#include "runtime/scheduler.h"

#include <algorithm>
#include <sstream>

namespace odin {
namespace {

// "vulkan: GATHER not supported": backends may or may not name themselves.
std::string decline_reason(const Backend& b, const std::string& why_not) {
  const std::string prefix = str_cat(b.name(), ":");
  if (why_not.rfind(prefix, 0) == 0) return why_not;
  return str_cat(b.name(), ": ", why_not.empty() ? "declined" : why_not);
}

}  // namespace

std::vector<std::string> parse_backend_list(const std::string& list) {
  std::vector<std::string> out;
  std::stringstream ss(list);
  std::string item;
  while (std::getline(ss, item, ','))
    if (!item.empty()) out.push_back(item);
  return out;
}

Result<Schedule> schedule_graph(const Graph& graph, std::span<const std::string> preference) {
  std::vector<std::string> names(preference.begin(), preference.end());
  if (names.empty()) names = {"cpu"};
  Schedule sched;
  std::vector<Backend*> backends;
  for (const std::string& name : names) {
    Backend* b = find_backend(name);
    if (!b) {
      std::string built;
      for (const std::string& n : built_backends()) built += (built.empty() ? "" : ", ") + n;
      return make_error(StatusCode::kInvalidArgument, "unknown backend '", name,
                        "' (this build has: ", built, ")");
    }
    if (!b->available()) {
      sched.notes.push_back(str_cat(name, ": skipped, ", b->unavailable_reason()));
      continue;
    }
    backends.push_back(b);
  }
  if (backends.empty())
    return make_error(StatusCode::kUnsupported, "none of the requested backends is available",
                      sched.notes.empty() ? "" : " (", sched.notes.empty() ? "" : sched.notes[0],
                      sched.notes.empty() ? "" : ")");

  // Rule 1: first fit, keeping every decline's reason; a node's placement
  // (one of the requested backends) is tried first.
  sched.node_backend.assign(graph.num_nodes(), nullptr);
  sched.node_fallback.assign(graph.num_nodes(), "");
  std::vector<Backend*> order;
  for (size_t n = 0; n < graph.num_nodes(); ++n) {
    const Node& node = graph.node(static_cast<NodeId>(n));
    std::string why;
    order = backends;
    if (!node.placement.empty()) {
      const auto placed = std::find_if(backends.begin(), backends.end(),
                                       [&](Backend* b) { return b->name() == node.placement; });
      if (placed != backends.end())
        std::rotate(order.begin(), order.begin() + (placed - backends.begin()),
                    order.begin() + (placed - backends.begin()) + 1);
      else
        why = str_cat("placed on ", node.placement, ", which is not among the available ones");
    }
    for (Backend* b : order) {
      const Support s = b->supports(graph, node);
      if (s.ok) {
        sched.node_backend[n] = b;
        break;
      }
      why += str_cat(why.empty() ? "" : "; ", decline_reason(*b, s.why_not));
    }
    if (!sched.node_backend[n])
      return make_error(StatusCode::kUnsupported, "no requested backend can run ",
                        graph.describe_node(static_cast<NodeId>(n)), " (", why, ")");
    sched.node_fallback[n] = why;
  }

  for (size_t n = 0; n < graph.num_nodes(); ++n) {
    if (sched.segments.empty() || sched.segments.back().backend != sched.node_backend[n])
      sched.segments.push_back({sched.node_backend[n], {}});
    sched.segments.back().nodes.push_back(static_cast<NodeId>(n));
  }
  return sched;
}

}  // namespace odin
