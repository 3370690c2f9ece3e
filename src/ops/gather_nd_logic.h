// GATHER_ND's geometry and index checks, shared by shape inference, the
// reference kernel and the backends' lowerings.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "core/shape.h"
#include "core/status.h"

namespace odin {

struct GatherNdPlan {
  int64_t depth = 0;             // nd: indices.shape[-1], the params dims one tuple indexes
  int64_t tuples = 0;            // index tuples: the product of indices.shape[:-1]
  int64_t slice_size = 0;        // elements per gathered slice: the product of params.shape[nd:]
  std::vector<int64_t> dims;     // params.shape[:nd]
  std::vector<int64_t> strides;  // params' element strides of those dims
  Shape out;                     // indices.shape[:-1] + params.shape[nd:]
};

// Checks as tensorflow/lite/kernels/gather_nd.cc's Prepare does: params and
// indices of rank >= 1, indices.shape[-1] <= rank(params). Errors are
// kInvalidArgument with a bare message. Dynamic dims give dynamic output
// dims (tuples and slice_size are then -1).
Result<GatherNdPlan> plan_gather_nd(const Shape& params, const Shape& indices);

// Element offsets into params of each tuple's slice. Every coordinate must
// lie in [0, dim): TFLite's kernel fails (kTfLiteError) on a tuple whose
// slice leaves params; odin checks each coordinate, so a tuple never reads
// another row's data either. The error (kOutOfRange) names the tuple, the
// coordinate and the dim.
Result<std::vector<int64_t>> gather_nd_offsets(const GatherNdPlan& plan,
                                               std::span<const int64_t> indices);

// The GPU kernels' index depths: 1 to kMaxGpuGatherNdDepth (their
// parameters hold that many (dim, stride) pairs).
inline constexpr int64_t kMaxGpuGatherNdDepth = 5;
// Why a GPU kernel cannot take indices of this shape ("" if it can).
inline std::string gather_nd_gpu_unsupported(const Shape& indices) {
  const int64_t depth = indices.rank() ? indices[indices.rank() - 1] : 0;
  if (depth >= 1 && depth <= kMaxGpuGatherNdDepth) return "";
  return str_cat("with index depth ", depth, " not supported (1 to ", kMaxGpuGatherNdDepth, ")");
}

}  // namespace odin
