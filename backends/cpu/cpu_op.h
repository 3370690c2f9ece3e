// An optimized CPU kernel bound to one node at compile time: weights packed,
// shapes and broadcast patterns resolved. At run time it only gets the data
// pointers of the values it reads and writes.
#pragma once

#include <memory>
#include <span>
#include <vector>

#include "core/graph.h"
#include "core/thread_pool.h"

namespace odin {
namespace cpu {
class WeightArena;
}

class CpuOp {
 public:
  virtual ~CpuOp() = default;
  // in[i] is the data of reads[i], out[i] of writes[i].
  virtual void run(std::span<const void* const> in, std::span<void* const> out,
                   ThreadPool& pool) = 0;
  // Bytes of weights repacked for this op (0 when it reads the graph's).
  virtual size_t packed_bytes() const { return 0; }

  std::vector<ValueId> reads;   // activation values read (constants are bound)
  std::vector<ValueId> writes;  // the node's outputs
};

// A PAD node folded into the conv that reads its output: the conv reads the
// PAD's input and treats the padded border as zeros.
struct FoldedPad {
  ValueId source = kNoValue;  // the PAD's input
  int64_t top = 0, bottom = 0, left = 0, right = 0;
};

struct CpuOpContext {
  const Graph& graph;
  int num_threads = 1;
  cpu::WeightArena* arena = nullptr;  // repacked weights go here (null: owned per op)
};

// The optimized kernel for `node`, or null when none applies (the node then
// runs its reference kernel). `pad` (for CONV_2D / DEPTHWISE_CONV_2D only)
// asks for the conv with that PAD folded in.
std::unique_ptr<CpuOp> make_conv_op(const CpuOpContext& ctx, const Node& node,
                                    const FoldedPad* pad);
std::unique_ptr<CpuOp> make_elementwise_op(const CpuOpContext& ctx, const Node& node);
std::unique_ptr<CpuOp> make_window_op(const CpuOpContext& ctx, const Node& node);
std::unique_ptr<CpuOp> make_pad_op(const CpuOpContext& ctx, const Node& node);
// ADD of a tensor and a PAD that appends zero channels to another (`pad`
// is the PAD node, folded into the ADD); null when the shapes do not fit.
std::unique_ptr<CpuOp> make_channel_pad_add_op(const CpuOpContext& ctx, const Node& add,
                                               const Node& pad);

// Dispatches on the op type.
std::unique_ptr<CpuOp> make_cpu_op(const CpuOpContext& ctx, const Node& node);

// Whether `node` is a zero PAD of H and W only, with constant paddings; if
// so, fills `pad` (source and amounts).
bool spatial_pad_of(const Graph& graph, const Node& node, FoldedPad* pad);

}  // namespace odin
