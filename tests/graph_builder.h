// Building graphs by hand in tests: values, constants (bytes owned by the
// graph) and nodes, and GraphMaker, which infers the shapes of what it
// builds. The one graph builder every test folder uses.
#pragma once

#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

#include "core/graph.h"
#include "ops/op_def.h"
#include "quant/block_quant.h"
#include "quant/fp16.h"
#include "quant/weight_rows.h"
#include "test_util.h"

namespace odin::test {

// A run-time value (not a graph input until listed in g.inputs()).
inline ValueId add_value(Graph& g, const std::string& name, Shape shape,
                         DType dtype = DType::kF32) {
  Value v;
  v.name = name;
  v.dtype = dtype;
  v.shape = std::move(shape);
  return g.add_value(std::move(v));
}
inline ValueId add_value(Graph& g, Shape shape, DType dtype = DType::kF32) {
  return add_value(g, str_cat("v", g.num_values()), std::move(shape), dtype);
}

// A constant holding `bytes` (copied into the graph).
inline ValueId add_const_bytes(Graph& g, const std::string& name, Shape shape, DType dtype,
                               std::vector<uint8_t> bytes) {
  Value v;
  v.name = name.empty() ? str_cat("c", g.num_values()) : name;
  v.dtype = dtype;
  v.shape = std::move(shape);
  v.data_bytes = bytes.size();
  v.data = g.own_bytes(std::move(bytes));
  if (v.data_bytes == 0) v.data = reinterpret_cast<const uint8_t*>("");  // still a constant
  return g.add_value(std::move(v));
}

template <typename T>
ValueId add_const_of(Graph& g, const std::string& name, Shape shape, DType dtype,
                     const std::vector<T>& values) {
  std::vector<uint8_t> bytes(values.size() * sizeof(T));
  if (!bytes.empty()) std::memcpy(bytes.data(), values.data(), bytes.size());
  return add_const_bytes(g, name, std::move(shape), dtype, std::move(bytes));
}

inline ValueId add_const_f32(Graph& g, const std::string& name, Shape shape,
                             const std::vector<float>& values) {
  return add_const_of(g, name, std::move(shape), DType::kF32, values);
}
inline ValueId add_const_f32(Graph& g, Shape shape, const std::vector<float>& values) {
  return add_const_f32(g, "", std::move(shape), values);
}
inline ValueId add_const_i32(Graph& g, const std::string& name, Shape shape,
                             const std::vector<int32_t>& values) {
  return add_const_of(g, name, std::move(shape), DType::kI32, values);
}
inline ValueId add_const_i32(Graph& g, Shape shape, const std::vector<int32_t>& values) {
  return add_const_i32(g, "", std::move(shape), values);
}
// Stored as float16 (rounded to nearest even).
inline ValueId add_const_f16(Graph& g, const std::string& name, Shape shape,
                             const std::vector<float>& values) {
  std::vector<uint16_t> halves;
  for (float f : values) halves.push_back(fp32_to_fp16(f));
  return add_const_of(g, name, std::move(shape), DType::kF16, halves);
}
// Float32 SplitMix64 values in [lo, hi].
inline ValueId add_random_const(Graph& g, Shape shape, uint64_t seed, float lo = -1.0f,
                                float hi = 1.0f) {
  const auto n = static_cast<size_t>(shape.num_elements());
  return add_const_f32(g, std::move(shape), splitmix_values(n, seed, lo, hi));
}

// A [rows, cols] constant of `format` holding quantized random values.
inline ValueId add_stored_weights(Graph& g, BlockFormat format, int64_t rows, int64_t cols,
                                  uint64_t seed) {
  const std::vector<float> w = splitmix_values(static_cast<size_t>(rows * cols), seed, -0.2f, 0.2f);
  const int64_t row_bytes = block_row_bytes(format, cols);
  std::vector<uint8_t> bytes(static_cast<size_t>(rows * row_bytes));
  for (int64_t r = 0; r < rows; ++r) {
    std::span<const float> src(w.data() + r * cols, static_cast<size_t>(cols));
    uint8_t* dst = bytes.data() + r * row_bytes;
    switch (format) {
      case BlockFormat::kQ8_0:
        quantize_row_q8_0(src, dst);
        break;
      case BlockFormat::kQ4_0:
        quantize_row_q4_0(src, dst);
        break;
      case BlockFormat::kQ4_K:
        quantize_row_q4_k(src, dst);
        break;
      case BlockFormat::kQ6_K:
        quantize_row_q6_k(src, dst);
        break;
      case BlockFormat::kM0E4:
        quantize_row_m0e4(src, dst);
        break;
      default: {  // F16
        for (int64_t i = 0; i < cols; ++i) {
          const uint16_t h = fp32_to_fp16(src[static_cast<size_t>(i)]);
          std::memcpy(dst + 2 * i, &h, 2);
        }
      }
    }
  }
  return add_const_bytes(g, "", Shape({rows, cols}), dtype_of(format), std::move(bytes));
}

inline NodeId add_node(Graph& g, OpType op, OpAttrs attrs, std::vector<ValueId> ins,
                       std::vector<ValueId> outs) {
  Node n;
  n.op = op;
  n.attrs = std::move(attrs);
  n.inputs = std::move(ins);
  n.outputs = std::move(outs);
  n.name = n.outputs.empty() ? std::string(op_type_name(op)) : g.value(n.outputs[0]).name;
  return g.add_node(std::move(n));
}

inline size_t count_op(const Graph& g, OpType op) {
  size_t n = 0;
  for (const Node& node : g.nodes()) n += node.op == op;
  return n;
}

// Builds a graph node by node; finish() marks the outputs and infers shapes.
class GraphMaker {
 public:
  ValueId input(const std::string& name, Shape shape, DType dtype = DType::kF32) {
    const ValueId v = add_value(g_, name, std::move(shape), dtype);
    g_.inputs().push_back(v);
    return v;
  }
  ValueId constant_f32(const std::string& name, Shape shape, const std::vector<float>& values) {
    return add_const_f32(g_, name, std::move(shape), values);
  }
  ValueId constant_f16(const std::string& name, Shape shape, const std::vector<float>& values) {
    return add_const_f16(g_, name, std::move(shape), values);
  }
  ValueId constant_i32(const std::string& name, Shape shape, const std::vector<int32_t>& values) {
    return add_const_i32(g_, name, std::move(shape), values);
  }
  // Adds a node with one output (shape inferred by finish()).
  ValueId node(OpType op, std::vector<ValueId> inputs, OpAttrs attrs = {},
               DType out_dtype = DType::kF32) {
    const ValueId o =
        add_value(g_, str_cat(op_type_name(op), "_", g_.num_nodes()), Shape(), out_dtype);
    add_node(g_, op, std::move(attrs), std::move(inputs), {o});
    return o;
  }
  // Marks outputs, infers shapes; fails the test on error.
  Graph finish(std::vector<ValueId> outputs) {
    g_.outputs() = std::move(outputs);
    const Status s = infer_graph(g_);
    EXPECT_TRUE(s.ok()) << s.to_string();
    return g_;
  }

 private:
  Graph g_;
};

}  // namespace odin::test
