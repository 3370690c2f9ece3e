// Constant folding at compile time: values computed only from constants
// (DEQUANTIZE of fp16 weights, DENSIFY of sparse ones, a RESHAPE of either)
// are evaluated once on the host with the reference kernels, and uploaded
// as weights instead of running per inference.
#pragma once

#include <map>
#include <vector>

#include "core/graph.h"
#include "core/tensor.h"

namespace odin::vk {

class ConstantFolder {
 public:
  explicit ConstantFolder(const Graph& graph);
  // The value's data when it is a constant or constant-foldable (computed on
  // first use and kept); an empty view otherwise.
  Result<ConstTensorView> get(ValueId v);
  // Whether the folder computed `v` (as opposed to a model constant).
  bool folded(ValueId v) const { return values_.count(v) != 0; }

 private:
  const Graph& graph_;
  std::vector<NodeId> producer_;                     // per value; -1 for graph inputs and constants
  std::map<ValueId, std::vector<uint64_t>> values_;  // 8-byte aligned storage
};

}  // namespace odin::vk
