#include "core/graph.h"

#include <algorithm>

#include "core/memory.h"

namespace odin {

ValueId Graph::add_value(Value v) {
  values_.push_back(std::move(v));
  return static_cast<ValueId>(values_.size() - 1);
}

NodeId Graph::add_node(Node n) {
  nodes_.push_back(std::move(n));
  return static_cast<NodeId>(nodes_.size() - 1);
}

const uint8_t* Graph::own_bytes(std::vector<uint8_t> bytes) {
  owned_.push_back(std::make_shared<std::vector<uint8_t>>(std::move(bytes)));
  return owned_.back()->data();
}

size_t Graph::release_constant_data(ValueId id) {
  Value& v = value(id);
  if (!v.data) return 0;
  if (v.owner) {
    v.owner.reset();
    v.data = nullptr;
    v.released = true;
    return v.data_bytes;
  }
  return drop_constant_pages(id);
}

size_t Graph::drop_constant_pages(ValueId id) const {
  const Value& v = value(id);
  if (!v.data) return 0;
  for (std::span<const uint8_t> r : reloadable_)
    if (v.data >= r.data() && v.data + v.data_bytes <= r.data() + r.size())
      return drop_reloadable_pages(v.data, v.data_bytes);
  return 0;
}

size_t Graph::drop_unread_pages() const {
  size_t dropped = 0;
  for (std::span<const uint8_t> r : reloadable_) {
    std::vector<std::pair<const uint8_t*, const uint8_t*>> read;  // [begin, end) in r
    for (const Value& v : values_)
      if (v.data && v.data >= r.data() && v.data + v.data_bytes <= r.data() + r.size())
        read.emplace_back(v.data, v.data + v.data_bytes);
    std::sort(read.begin(), read.end());
    const uint8_t* from = r.data();
    for (const auto& [begin, end] : read) {
      if (begin > from) dropped += drop_reloadable_pages(from, static_cast<size_t>(begin - from));
      from = std::max(from, end);
    }
    const uint8_t* r_end = r.data() + r.size();
    if (r_end > from) dropped += drop_reloadable_pages(from, static_cast<size_t>(r_end - from));
  }
  return dropped;
}

std::string Graph::describe_node(NodeId id) const {
  if (id < 0 || static_cast<size_t>(id) >= nodes_.size()) return str_cat("node ", id);
  const Node& n = node(id);
  const int32_t index = n.source_index >= 0 ? n.source_index : id;
  return str_cat("node ", index, " (", op_type_name(n.op), n.name.empty() ? "" : " '", n.name,
                 n.name.empty() ? "" : "'", ")");
}

std::string Graph::describe_value(ValueId id) const {
  if (id < 0 || static_cast<size_t>(id) >= values_.size()) return str_cat("tensor ", id);
  const Value& v = value(id);
  const int32_t index = v.source_index >= 0 ? v.source_index : id;
  return str_cat("tensor ", index, " '", v.name, "'");
}

Status Graph::validate() const {
  std::vector<bool> ready(values_.size(), false);
  auto in_range = [&](ValueId v) { return v >= 0 && static_cast<size_t>(v) < values_.size(); };
  for (ValueId v : inputs_) {
    if (!in_range(v))
      return make_error(StatusCode::kInvalidModel, "graph input id ", v, " out of range");
    ready[static_cast<size_t>(v)] = true;
  }
  for (size_t i = 0; i < values_.size(); ++i)
    if (values_[i].is_constant() || values_[i].persistent)
      ready[i] = true;  // state: from earlier runs
  for (size_t n = 0; n < nodes_.size(); ++n) {
    const NodeId id = static_cast<NodeId>(n);
    for (ValueId v : nodes_[n].inputs) {
      if (v == kNoValue) continue;
      if (!in_range(v))
        return make_error(StatusCode::kInvalidModel, describe_node(id), ": input id ", v,
                          " out of range");
      if (!ready[static_cast<size_t>(v)])
        return make_error(StatusCode::kInvalidModel, describe_node(id), ": input ",
                          describe_value(v), " is used before any node produces it");
    }
    for (ValueId v : nodes_[n].outputs) {
      if (!in_range(v))
        return make_error(StatusCode::kInvalidModel, describe_node(id), ": output id ", v,
                          " out of range");
      if (ready[static_cast<size_t>(v)])
        return make_error(StatusCode::kInvalidModel, describe_node(id), ": output ",
                          describe_value(v), " is written twice (or is a constant or graph input)");
      ready[static_cast<size_t>(v)] = true;
    }
  }
  for (ValueId v : outputs_) {
    if (!in_range(v))
      return make_error(StatusCode::kInvalidModel, "graph output id ", v, " out of range");
    if (!ready[static_cast<size_t>(v)])
      return make_error(StatusCode::kInvalidModel, "graph output ", describe_value(v),
                        " is never produced");
  }
  return Status();
}

}  // namespace odin
