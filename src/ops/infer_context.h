// What an op's shape inference sees: its node, its input values (shape, dtype,
// constant data) and the output values it must define.
#pragma once

#include <cstdint>
#include <vector>

#include "core/graph.h"

namespace odin {

class InferContext {
 public:
  InferContext(Graph& graph, NodeId id) : graph_(graph), id_(id) {}

  const Node& node() const { return graph_.node(id_); }
  template <typename A>
  const A& attrs() const {
    return std::get<A>(node().attrs);
  }
  size_t num_inputs() const { return node().inputs.size(); }
  size_t num_outputs() const { return node().outputs.size(); }
  // False when the input slot is missing or marked absent (-1).
  bool has_input(size_t i) const;
  // Precondition: has_input(i).
  const Value& input(size_t i) const;
  const Shape& input_shape(size_t i) const { return input(i).shape; }
  Value& output(size_t i);

  // Defines output i. Inference must call this for every output.
  void set_output(size_t i, DType dtype, Shape shape);

  // An error whose message starts with the node ("node 12 (CONV_2D 'x'): ...").
  template <typename... Args>
  Status fail(const Args&... args) const {
    return make_error(StatusCode::kInvalidModel, graph_.describe_node(id_), ": ", args...);
  }
  template <typename... Args>
  Status unsupported(const Args&... args) const {
    return make_error(StatusCode::kUnsupported, graph_.describe_node(id_), ": ", args...);
  }

  // Common checks; each returns a descriptive error.
  Status expect_inputs(size_t min, size_t max) const;  // count of input slots
  Status expect_outputs(size_t n) const;
  Status expect_rank(size_t input, size_t rank) const;
  Status expect_dtype(size_t input, DType dtype) const;
  Status expect_static(size_t input) const;  // no dynamic dims
  // Input `input`, when present, is an addend (OpDef::addend_input): float32
  // of output 0's dtype and shape (call after output 0 is set).
  Status expect_addend(size_t input);
  // Input `input`, when present, is PRELU slopes (OpDef::prelu_alpha_input):
  // float32, one per output channel (the last dim of output 0, float32;
  // every other dim of the slopes 1).
  Status expect_prelu_alpha(size_t input);
  // The input's dtype has a size per element: not unknown, and not a block
  // format (Q4_0, ...), whose elements cannot be moved one by one.
  Status expect_element_dtype(size_t input) const;
  // Reads a constant int32 or int64 input as int64 values.
  Result<std::vector<int64_t>> const_ints(size_t input) const;

  const Graph& graph() const { return graph_; }

 private:
  Graph& graph_;
  NodeId id_;
};

}  // namespace odin
