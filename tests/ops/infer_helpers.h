// Small builders for op tests: typed tensors that own their data, and a
// one-node graph for running shape inference.
#pragma once

#include <gtest/gtest.h>

#include <cstring>
#include <vector>

#include "core/graph.h"
#include "core/tensor.h"
#include "graph_builder.h"
#include "ops/op_def.h"

namespace odin::test {

// Element-wise comparison with an absolute tolerance, naming the element.
inline void expect_values(const std::vector<float>& got, const std::vector<float>& want,
                          float tol = 1e-4f) {
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < got.size(); ++i) EXPECT_NEAR(got[i], want[i], tol) << "element " << i;
}

template <typename T>
constexpr DType dtype_of() {
  if constexpr (std::is_same_v<T, float>) return DType::kF32;
  if constexpr (std::is_same_v<T, int32_t>) return DType::kI32;
  if constexpr (std::is_same_v<T, int64_t>) return DType::kI64;
  if constexpr (std::is_same_v<T, int16_t>) return DType::kI16;
  if constexpr (std::is_same_v<T, int8_t>) return DType::kI8;
  if constexpr (std::is_same_v<T, uint8_t>) return DType::kU8;
  return DType::kUnknown;
}

// A typed tensor owning its elements.
template <typename T>
struct Buf {
  Shape shape;
  std::vector<T> data;
  ConstTensorView view() const { return {dtype_of<T>(), shape, data.data()}; }
  TensorView mut() { return {dtype_of<T>(), shape, data.data()}; }
};

template <typename T>
Buf<T> buf(Shape shape, std::vector<T> values) {
  return Buf<T>{std::move(shape), std::move(values)};
}

// Output buffer of `shape`, filled with a sentinel so unwritten elements show.
template <typename T>
Buf<T> out_buf(Shape shape) {
  const int64_t n = shape.num_elements();
  return Buf<T>{std::move(shape), std::vector<T>(static_cast<size_t>(n < 0 ? 0 : n), T(-7))};
}

// Values 0, 1, 2, ... as T.
template <typename T>
Buf<T> iota_buf(Shape shape) {
  const int64_t n = shape.num_elements();
  std::vector<T> v(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) v[static_cast<size_t>(i)] = static_cast<T>(i);
  return Buf<T>{std::move(shape), std::move(v)};
}

// A graph holding one node under test.
class OpGraph {
 public:
  ValueId input(DType dtype, Shape shape) {
    return add_value(graph, str_cat("in", graph.num_values()), std::move(shape), dtype);
  }
  template <typename T>
  ValueId constant(Shape shape, const std::vector<T>& values) {
    return add_const_of(graph, "", std::move(shape), dtype_of<T>(), values);
  }
  // Adds the node (with fresh outputs of unknown shape) and infers it.
  Status infer(OpType op, OpAttrs attrs, std::vector<ValueId> inputs, size_t outputs = 1) {
    std::vector<ValueId> outs;
    for (size_t i = 0; i < outputs; ++i)
      outs.push_back(add_value(graph, str_cat("out", i), Shape(), DType::kUnknown));
    node = add_node(graph, op, std::move(attrs), std::move(inputs), std::move(outs));
    return infer_node(graph, node);
  }
  const Value& out(size_t i = 0) const { return graph.value(graph.node(node).outputs[i]); }

  Graph graph;
  NodeId node = -1;
};

}  // namespace odin::test
