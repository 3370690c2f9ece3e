// BATCH_MATMUL's sizes for GPU kernels that flatten the batch dims into
// one: output batch b reads batch b of an operand, or its only batch when
// all its batch dims are 1 (a batch stride of 0). Partial broadcasts
// ([2, 1] against [1, 3]) have no such form.
#pragma once

#include <optional>

#include "core/attrs.h"
#include "core/graph.h"
#include "core/shape.h"

namespace odin {

struct FlatBatchMatMul {
  int64_t batches = 1, m = 0, n = 0, k = 0;
  int64_t x_batch_stride = 0, y_batch_stride = 0;  // elements; 0: broadcast
};

inline std::optional<FlatBatchMatMul> flat_batch_matmul(const Shape& x, const Shape& y,
                                                        const Shape& out,
                                                        const BatchMatMulAttrs& a) {
  const size_t rx = x.rank(), ry = y.rank(), ro = out.rank();
  if (rx < 2 || ry < 2 || ro < 2) return std::nullopt;
  FlatBatchMatMul f;
  f.m = out[ro - 2];
  f.n = out[ro - 1];
  f.k = a.adj_x ? x[rx - 2] : x[rx - 1];
  for (size_t i = 0; i + 2 < ro; ++i) f.batches *= out[i];
  // An operand's batches: all of the output's, or one.
  auto stride = [&](const Shape& s, int64_t matrix) -> std::optional<int64_t> {
    int64_t batches = 1;
    for (size_t i = 0; i + 2 < s.rank(); ++i) batches *= s[i];
    if (batches == 1) return f.batches == 1 ? matrix : 0;
    for (size_t i = 0; i + 2 < ro; ++i) {
      const size_t from_end = ro - 1 - i;  // aligned from the right
      const int64_t d = from_end < s.rank() ? s[s.rank() - 1 - from_end] : 1;
      if (d != out[i]) return std::nullopt;
    }
    return matrix;
  };
  const auto sx = stride(x, f.m * f.k), sy = stride(y, f.k * f.n);
  if (!sx || !sy) return std::nullopt;
  f.x_batch_stride = *sx;
  f.y_batch_stride = *sy;
  return f;
}

// The sizes of a BATCH_MATMUL node.
inline std::optional<FlatBatchMatMul> flat_batch_matmul(const Graph& g, const Node& node) {
  const auto* a = std::get_if<BatchMatMulAttrs>(&node.attrs);
  if (!a || node.inputs.size() != 2 || node.outputs.size() != 1) return std::nullopt;
  return flat_batch_matmul(g.value(node.inputs[0]).shape, g.value(node.inputs[1]).shape,
                           g.value(node.outputs[0]).shape, *a);
}

}  // namespace odin
