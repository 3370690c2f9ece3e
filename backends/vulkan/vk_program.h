// What a segment becomes before any Vulkan object exists: per node, the
// kernel dispatches it needs (kernel, specialization constants, push
// constants, buffers) or an alias (RESHAPE: the output shares the input's
// memory). Lowering fills these; the executable plans memory, makes
// pipelines and records them.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "core/graph.h"

namespace odin::vk {

// A buffer a kernel binds.
struct Operand {
  enum class Kind : uint8_t {
    kValue,       // an activation in the device arena (by ValueId)
    kWeights,     // a weight blob uploaded at compile (by blob index)
    kStagingIn,   // segment input i's fp32 staging region
    kStagingOut,  // segment output i's fp32 staging region
  };
  Kind kind = Kind::kValue;
  int32_t id = 0;
  // The elements the kernel touches (for dependency tracking); count < 0: all.
  int64_t first = 0, count = -1;

  static Operand value(ValueId v) { return {Kind::kValue, v}; }
  static Operand weights(int32_t blob) { return {Kind::kWeights, blob}; }
};

struct Dispatch {
  std::string kernel;             // kernels/vulkan/<kernel>.comp
  std::vector<int32_t> spec;      // specialization constants, constant_id 0, 1, ...
  std::vector<uint32_t> push;     // push-constant words (floats bit-cast)
  std::vector<Operand> bindings;  // binding 0 is written, the others read
  uint64_t invocations = 0;       // threads; 64 per workgroup
  uint32_t group = 0;             // threads per workgroup when tuned (0: 64)
  // With dims set per run: the value whose rows the invocations follow
  // (none: the first value bound).
  ValueId follows = kNoValue;
  // With dims set per run, a node whose kernel depends on the run's rows
  // has a dispatch per kernel, each for a range of rows: `rows` is the
  // rows planned (they scale with the dims as invocations do), and the
  // dispatch runs only when the run's rows are in [min_rows, max_rows]
  // (rows 0: always). A row-tiled kernel sets row_tile: its invocations are
  // whole tiles of that many rows, and a run launches the tiles its rows
  // need (0: the invocations follow the rows one by one).
  int64_t rows = 0, min_rows = 0, max_rows = INT64_MAX;
  int64_t row_tile = 0;

  void push_int(int64_t v) { push.push_back(static_cast<uint32_t>(static_cast<int32_t>(v))); }
  void push_float(float f) {
    uint32_t u;
    std::memcpy(&u, &f, 4);
    push.push_back(u);
  }
};

struct LoweredNode {
  std::vector<Dispatch> dispatches;
  ValueId alias_of = kNoValue;  // set: outputs[0] shares this value's memory
};

}  // namespace odin::vk
