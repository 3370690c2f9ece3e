// An optimized CPU kernel bound to one node at compile time: weights packed,
// shapes and broadcast patterns resolved. At run time it only gets the data
// pointers of the values it reads and writes. Which op has one is listed per
// family beside its kernels (cpu_ops_*.cpp); a node without one (or whose
// shapes its kernel does not cover) runs its reference kernel.
#pragma once

#include <memory>
#include <span>
#include <vector>

#include "core/graph.h"
#include "core/tensor.h"
#include "core/thread_pool.h"

namespace odin {
class CpuSharedWeights;
namespace cpu {
class SharedScratch;
class WeightArena;
}  // namespace cpu

class CpuOp {
 public:
  CpuOp() = default;
  CpuOp(const CpuOp&) = delete;  // ops may point into themselves (own scratch)
  CpuOp& operator=(const CpuOp&) = delete;
  virtual ~CpuOp() = default;
  // in[i] is the data of reads[i], out[i] of writes[i].
  // Views of the values it reads and writes, with their sizes in this
  // run (dims of a DimSymbol vary per run; an op whose values have them
  // must read their sizes here).
  virtual void run(std::span<const ConstTensorView> in, std::span<const TensorView> out,
                   ThreadPool& pool) = 0;
  // Bytes of weights repacked for this op (0 when it reads the graph's).
  virtual size_t packed_bytes() const { return 0; }

  std::vector<ValueId> reads;   // activation values read (constants are bound)
  std::vector<ValueId> writes;  // the node's outputs
  // Constant inputs the op copied or repacked: it never reads the graph's
  // bytes of them at run time (so the session may free those).
  std::vector<ValueId> copied_constants;
};

// Where a float operand's data comes from: an activation (index into the
// op's `in`, appended to its reads) or a constant bound at compile time.
struct CpuOperand {
  int slot = -1;
  const float* constant = nullptr;
  const float* get(std::span<const ConstTensorView> in) const {
    return slot >= 0 ? in[static_cast<size_t>(slot)].as<float>() : constant;
  }
};

inline CpuOperand bind_operand(const Graph& g, ValueId v, std::vector<ValueId>& reads) {
  CpuOperand o;
  const Value& val = g.value(v);
  if (val.is_constant()) {
    o.constant = static_cast<const float*>(static_cast<const void*>(val.data));
  } else {
    o.slot = static_cast<int>(reads.size());
    reads.push_back(v);
  }
  return o;
}

struct CpuOpContext {
  const Graph& graph;
  int num_threads = 1;
  cpu::WeightArena* arena = nullptr;  // repacked weights go here (null: owned per op)
  // Per-run scratch the executable's ops share (null: owned per op).
  cpu::SharedScratch* scratch = nullptr;
  // Optional repacks (a layout only some kernels need) are allowed.
  bool repack_weights = true;
  ThreadPool* pool = nullptr;  // the executable's workers, for repacking at load
  // Packed weights shared with other sessions (SessionOptions::shared_weights);
  // null: packed into `arena`.
  CpuSharedWeights* shared = nullptr;
  bool exact_int8 = false;  // SessionOptions::exact_int8
};

// One op the CPU backend has an optimized kernel for. `make` returns null
// when its kernel does not cover the node's shapes or attributes.
struct CpuOpEntry {
  OpType type;
  std::unique_ptr<CpuOp> (*make)(const CpuOpContext& ctx, const Node& node);
  // The kernel reads its values' sizes from each run's views, so it may
  // take nodes whose dims follow a DimSymbol (the others are bound to the
  // planned sizes at compile time and leave such nodes to the reference).
  bool variable_dims = false;
};

// The entries, per family (each beside its kernels).
std::span<const CpuOpEntry> cpu_conv_ops();         // cpu_ops_conv.cpp
std::span<const CpuOpEntry> cpu_elementwise_ops();  // cpu_ops_elementwise.cpp
std::span<const CpuOpEntry> cpu_window_ops();       // cpu_ops_window.cpp
std::span<const CpuOpEntry> cpu_pad_ops();          // cpu_ops_pad.cpp
std::span<const CpuOpEntry> cpu_data_ops();         // cpu_ops_data.cpp
std::span<const CpuOpEntry> cpu_llm_ops();          // cpu_ops_llm.cpp
std::span<const CpuOpEntry> cpu_int8_ops();         // cpu_ops_int8.cpp

// An op type may have several entries (float32 and int8 kernels): they are
// tried in the order above, and the first whose `make` returns an op wins.

// The optimized kernel for `node`, or null (it then runs its reference kernel).
std::unique_ptr<CpuOp> make_cpu_op(const CpuOpContext& ctx, const Node& node);

}  // namespace odin
