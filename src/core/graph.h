// odin's op-graph IR: values (tensors) and nodes (ops) in topological order.
// Every importer produces this; passes rewrite it; backends compile it.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/attrs.h"
#include "core/dtype.h"
#include "core/op_type.h"
#include "core/shape.h"
#include "core/status.h"

namespace odin {

using ValueId = int32_t;
using NodeId = int32_t;
constexpr ValueId kNoValue = -1;  // an optional input that is absent

// Affine quantization: real = scale * (q - zero_point), per tensor (one scale)
// or per channel along `axis`.
struct QuantParams {
  std::vector<float> scales;
  std::vector<int64_t> zero_points;
  int32_t axis = 0;
  // The values' stored width: 8, or 4 for TFLite's INT4 constants (two per
  // byte in the file, held here as int8 in [-8, 7], as TFLite unpacks them).
  int32_t bits = 8;
};

// Sparse storage of a constant (TFLite's TACO-style format, used by DENSIFY).
struct SparsityParams {
  struct Dim {
    bool sparse = false;  // false: dense, size in dense_size
    int32_t dense_size = 0;
    std::vector<int32_t> segments;  // CSR row pointers (sparse dims)
    std::vector<int32_t> indices;   // CSR column indices (sparse dims)
  };
  std::vector<int32_t> traversal_order;
  std::vector<int32_t> block_map;
  std::vector<Dim> dims;
};

struct Value {
  std::string name;
  DType dtype = DType::kUnknown;
  Shape shape;
  std::optional<QuantParams> quant;
  std::shared_ptr<const SparsityParams> sparsity;  // set on sparse constants
  // Constant payload: borrowed from the model's storage (never copied), or
  // bytes the graph owns (`owner`, e.g. a constant a pass computed).
  const uint8_t* data = nullptr;
  size_t data_bytes = 0;
  std::shared_ptr<const void> owner;
  // A constant whose bytes were freed after every backend that reads it
  // copied or repacked them (Graph::release_constant_data); data is null.
  bool released = false;
  // True for state that outlives one run (e.g. an LLM's KV cache).
  bool persistent = false;
  int32_t source_index = -1;  // tensor index in the source file, for messages

  bool is_constant() const { return data != nullptr || released; }
  std::span<const uint8_t> bytes() const { return {data, data_bytes}; }
};

// A named dimension whose size is set per run (an LLM's token count "seq"),
// up to `max`: a session plans memory and compiles for `max` once, and each
// run gives the size (Session::set_dim) without planning again.
struct DimSymbol {
  std::string name;
  int64_t max = 1;
};

struct Node {
  OpType op = OpType::kCount;
  OpAttrs attrs;
  std::vector<ValueId> inputs;  // kNoValue marks an absent optional input
  std::vector<ValueId> outputs;
  std::string name;           // usually the first output's name
  int32_t source_index = -1;  // operator index in the source file
  // The backend this node should run on ("cpu", "vulkan"), tried before the
  // session's preference order when that backend is among the requested
  // ones; empty: the first requested backend that supports it. Set by
  // builders that partition work between backends (an LLM's heads split
  // between a GPU and the CPU).
  std::string placement;
};

class Graph {
 public:
  ValueId add_value(Value v);
  NodeId add_node(Node n);

  const Value& value(ValueId id) const { return values_[static_cast<size_t>(id)]; }
  Value& value(ValueId id) { return values_[static_cast<size_t>(id)]; }
  const Node& node(NodeId id) const { return nodes_[static_cast<size_t>(id)]; }
  Node& node(NodeId id) { return nodes_[static_cast<size_t>(id)]; }
  size_t num_values() const { return values_.size(); }
  size_t num_nodes() const { return nodes_.size(); }
  const std::vector<Value>& values() const { return values_; }
  const std::vector<Node>& nodes() const { return nodes_; }
  std::vector<Node>& mutable_nodes() { return nodes_; }

  std::vector<ValueId>& inputs() { return inputs_; }
  const std::vector<ValueId>& inputs() const { return inputs_; }
  std::vector<ValueId>& outputs() { return outputs_; }
  const std::vector<ValueId>& outputs() const { return outputs_; }
  // Symbols that graph inputs' dynamic dims name (Shape::symbol).
  std::vector<DimSymbol>& dim_symbols() { return dim_symbols_; }
  const std::vector<DimSymbol>& dim_symbols() const { return dim_symbols_; }

  // Keeps the memory that constants point into alive (mmap, caller buffer).
  void retain_storage(std::shared_ptr<const void> storage) {
    storage_.push_back(std::move(storage));
  }
  // Adds bytes owned by the graph (for constants made by hand or copied).
  const uint8_t* own_bytes(std::vector<uint8_t> bytes);
  // Marks `bytes` as a private read-only file mapping: its pages may be
  // dropped from memory, and are read back from the file on the next use.
  void mark_reloadable(std::span<const uint8_t> bytes) { reloadable_.push_back(bytes); }
  // Frees what holds constant v's bytes in memory, when nothing will read
  // them again: bytes the value owns are freed (the value becomes
  // `released`); pages of a reloadable mapping are dropped. Returns the bytes
  // freed or dropped (0 for memory the graph does not control).
  size_t release_constant_data(ValueId v);
  // Drops the pages of constant v when they lie in a reloadable mapping (the
  // next read faults them back in from the file); its data stays valid.
  // Returns the bytes dropped (0 for memory the graph does not control).
  size_t drop_constant_pages(ValueId v) const;
  // Drops the pages of reloadable mappings that no constant of the graph
  // points into (tensors a graph builder copied, or never used); returns
  // the bytes dropped.
  size_t drop_unread_pages() const;

  // "node 12 (CONV_2D 'conv1')" — how messages name a node.
  std::string describe_node(NodeId id) const;
  // "tensor 7 'input'" — how messages name a value.
  std::string describe_value(ValueId id) const;

  // Checks ids in range, every non-constant input produced by an earlier node
  // or a graph input, each value produced once. Used after import and passes.
  Status validate() const;

 private:
  std::vector<Value> values_;
  std::vector<Node> nodes_;
  std::vector<ValueId> inputs_;
  std::vector<ValueId> outputs_;
  std::vector<DimSymbol> dim_symbols_;
  std::vector<std::shared_ptr<const void>> storage_;
  std::vector<std::shared_ptr<std::vector<uint8_t>>> owned_;
  std::vector<std::span<const uint8_t>> reloadable_;
};

}  // namespace odin
