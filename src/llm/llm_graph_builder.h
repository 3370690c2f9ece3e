// The LLM graph builder's helper (llm_graph.cpp and the architectures'
// layer builders): values and nodes over an LlmWeights' tensors.
#pragma once

#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "core/graph.h"
#include "format/llm/llm_weights.h"
#include "ops/op_def.h"
#include "quant/weight_rows.h"

namespace odin {

class LlmGraphBuilder {
 public:
  LlmGraphBuilder(const LlmWeights& w, Graph& g) : w_(w), g_(g) {}

  // A constant over the tensor's bytes (borrowed from the file). GGUF dims
  // are innermost first; the IR's are outermost first.
  ValueId weight(const std::string& name) {
    const LlmTensor* t = w_.find(name);
    Value v;
    v.name = name;
    v.dtype = dtype_of(t->format);
    std::vector<int64_t> dims(t->dims.rbegin(), t->dims.rend());
    v.shape = Shape(std::move(dims));
    v.data = t->data.data();
    v.data_bytes = t->data.size();
    return g_.add_value(std::move(v));
  }
  bool has(const std::string& name) const { return w_.find(name) != nullptr; }
  // Rows (the outermost dim) of a tensor.
  int64_t rows(const std::string& name) const { return w_.find(name)->dims.back(); }

  // Rows [begin, begin + count) of a matrix or bias: a view of its bytes,
  // which hold row after row in every weight format.
  ValueId weight_rows(const std::string& name, int64_t begin, int64_t count) {
    const LlmTensor* t = w_.find(name);
    const int64_t all = t->dims.back();
    if (begin == 0 && count == all) return weight(name);
    const size_t row_bytes = t->data.size() / static_cast<size_t>(all);
    Value v;
    v.name = str_cat(name, "[", begin, ":", begin + count, "]");
    v.dtype = dtype_of(t->format);
    std::vector<int64_t> dims(t->dims.rbegin(), t->dims.rend());
    dims[0] = count;
    v.shape = Shape(std::move(dims));
    v.data = t->data.data() + static_cast<size_t>(begin) * row_bytes;
    v.data_bytes = static_cast<size_t>(count) * row_bytes;
    return g_.add_value(std::move(v));
  }

  // Elements per block along a row of the matrix (1 for F32/F16/BF16): a
  // column range must start and end on one to be cut out.
  int64_t column_unit(const std::string& name) const {
    return block_format_info(w_.find(name)->format).block_elements;
  }

  // Columns [begin, begin + count) of every row of a matrix, copied into
  // bytes the value owns (a column range is not contiguous in the file;
  // WeightSpill can move them to a reloadable mapping); begin and count are
  // whole blocks (column_unit).
  ValueId weight_cols(const std::string& name, int64_t begin, int64_t count) {
    const LlmTensor* t = w_.find(name);
    const int64_t rows = t->dims.back(), cols = t->dims.front();
    if (begin == 0 && count == cols) return weight(name);
    const auto row_bytes = static_cast<size_t>(block_row_bytes(t->format, cols));
    const auto skip = static_cast<size_t>(block_row_bytes(t->format, begin));
    const auto take = static_cast<size_t>(block_row_bytes(t->format, count));
    auto bytes = std::make_shared<std::vector<uint8_t>>(static_cast<size_t>(rows) * take);
    for (int64_t r = 0; r < rows; ++r)
      std::memcpy(bytes->data() + static_cast<size_t>(r) * take,
                  t->data.data() + static_cast<size_t>(r) * row_bytes + skip, take);
    Value v;
    v.name = str_cat(name, "[:, ", begin, ":", begin + count, "]");
    v.dtype = dtype_of(t->format);
    v.shape = Shape({rows, count});
    v.data_bytes = bytes->size();
    v.data = bytes->data();
    v.owner = std::move(bytes);
    return g_.add_value(std::move(v));
  }

  ValueId value(const std::string& name, DType dtype = DType::kF32) {
    Value v;
    v.name = name;
    v.dtype = dtype;
    return g_.add_value(std::move(v));
  }

  ValueId node(OpType op, std::vector<ValueId> inputs, const std::string& name,
               OpAttrs attrs = {}) {
    const ValueId out = value(name);
    Node n;
    n.op = op;
    n.attrs = std::move(attrs);
    n.inputs = std::move(inputs);
    n.outputs = {out};
    n.name = name;
    g_.add_node(std::move(n));
    return out;
  }

  ValueId matmul(ValueId x, const std::string& weight_name, const std::string& bias_name,
                 const std::string& name) {
    return matmul_rows(x, weight_name, bias_name, 0, rows(weight_name), name);
  }
  // x times rows [begin, begin + count) of the matrix (and bias).
  ValueId matmul_rows(ValueId x, const std::string& weight_name, const std::string& bias_name,
                      int64_t begin, int64_t count, const std::string& name) {
    std::vector<ValueId> in = {x, weight_rows(weight_name, begin, count)};
    if (!bias_name.empty() && has(bias_name)) in.push_back(weight_rows(bias_name, begin, count));
    FullyConnectedAttrs a;
    a.keep_num_dims = true;
    return node(OpType::kFullyConnected, std::move(in), name, a);
  }

  // x [.., count] times columns [begin, begin + count) of the matrix: one
  // part of a product whose inner dim is split, summed with the others.
  ValueId matmul_cols(ValueId x, const std::string& weight_name, int64_t begin, int64_t count,
                      const std::string& name) {
    FullyConnectedAttrs a;
    a.keep_num_dims = true;
    return node(OpType::kFullyConnected, {x, weight_cols(weight_name, begin, count)}, name, a);
  }

  // A view of x with the given dims (-1: the one inferred, the token count).
  ValueId reshape(ValueId x, std::vector<int32_t> dims, const std::string& name) {
    return node(OpType::kReshape, {x}, name, ReshapeAttrs{std::move(dims), true});
  }

  // A constant the graph owns: `values` as `dtype` (float32 or int32).
  template <typename T>
  ValueId constant(const std::string& name, DType dtype, std::vector<int64_t> dims,
                   const std::vector<T>& values) {
    std::vector<uint8_t> bytes(values.size() * sizeof(T));
    std::memcpy(bytes.data(), values.data(), bytes.size());
    Value v;
    v.name = name;
    v.dtype = dtype;
    v.shape = Shape(std::move(dims));
    v.data_bytes = bytes.size();
    v.data = g_.own_bytes(std::move(bytes));
    return g_.add_value(std::move(v));
  }

  // The part [begin, begin + size) of x along each dim (size -1: to the end).
  ValueId slice(ValueId x, const std::vector<int32_t>& begin, const std::vector<int32_t>& size,
                const std::string& name) {
    const auto rank = static_cast<int64_t>(begin.size());
    return node(OpType::kSlice,
                {x, constant(name + "_begin", DType::kI32, {rank}, begin),
                 constant(name + "_size", DType::kI32, {rank}, size)},
                name);
  }

  // RMS norm of each head of x [seq, heads * head_dim] (qwen3's Q/K norm):
  // RMS_NORM normalizes the last dim, so x is viewed as [seq, heads,
  // head_dim] for the [head_dim] weight, then as rows again for ROPE.
  ValueId head_norm(ValueId x, int64_t heads, int64_t head_dim, const std::string& weight_name,
                    const std::string& name, const RmsNormAttrs& norm) {
    const auto h = static_cast<int32_t>(heads), d = static_cast<int32_t>(head_dim);
    const ValueId by_head = reshape(x, {-1, h, d}, name + "_heads");
    const ValueId n = node(OpType::kRmsNorm, {by_head, weight(weight_name)}, name, norm);
    return reshape(n, {-1, h * d}, name + "_rows");
  }

  const LlmWeights& weights() const { return w_; }

 private:
  const LlmWeights& w_;
  Graph& g_;
};

}  // namespace odin
