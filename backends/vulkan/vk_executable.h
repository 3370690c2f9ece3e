// A compiled Vulkan segment: weights uploaded once into device-local memory,
// activations in one device arena planned by lifetimes, staging buffers in
// the host's format (fp32, int8/uint8; persistently mapped) only for the
// segment's inputs and outputs, and the whole segment recorded once into
// one command buffer that every run replays with a single submit and a
// fence wait. A profiled run replays a second recording of the same
// commands with a timestamp between nodes: per-node device times.
// Dims set per run (an LLM's `seq`, Graph::dim_symbols) are planned at
// their maxima; the commands writing such values launch a share of their
// planned work that follows the run's size, read from the segment's
// inputs, and the buffer is recorded again when a run's sizes differ from
// the last run's (prefill, then decode: twice).
#pragma once

#include <map>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "backends/vulkan/vk_buffer.h"
#include "backends/vulkan/vk_context.h"
#include "backends/vulkan/vk_record.h"
#include "runtime/backend.h"
#include "runtime/kernel_tuning.h"

namespace odin::vk {

// Counts fixed at compile (the same every run).
struct ExecutableStats {
  int dispatches = 0;     // kernels recorded (a run launches those for its rows)
  int barriers = 0;       // pipeline barriers recorded
  int copies = 0;         // staging <-> arena copy commands
  int aliased_nodes = 0;  // RESHAPE-like nodes that cost nothing
  uint64_t arena_bytes = 0, weight_bytes = 0, staging_bytes = 0;
  uint64_t state_bytes = 0;  // persistent state kept on the device (KV cache)
  bool fp16 = false;
  std::vector<std::string> kernels;  // each recorded dispatch's kernel, in order
};

class VulkanExecutable final : public Executable {
 public:
  static Result<std::unique_ptr<VulkanExecutable>> compile(Context& ctx, const Graph& graph,
                                                           std::span<const NodeId> segment,
                                                           const CompileOptions& options,
                                                           TuneChooser& chooser);
  ~VulkanExecutable() override;
  Status run(HostBindings& io, std::span<double> node_ms, RunStats& stats) override;
  Status start(HostBindings& io, RunStats& stats) override;
  Status finish(HostBindings& io) override;
  const ExecutableStats& stats() const { return stats_; }
  bool reduced_precision() const override { return stats_.fp16; }
  size_t weight_bytes() const override { return stats_.weight_bytes; }

 private:
  struct Transfer {
    ValueId value;
    VkDeviceSize staging_offset;
    size_t host_bytes;  // bytes in the host arena (fp32, or int8/uint8)
  };
  class Builder;  // the steps of compile() (vk_executable.cpp)

  VulkanExecutable(Context& ctx, const Graph& graph) : ctx_(ctx), graph_(graph) {}
  // Commands whose size follows dim symbol `symbol`: `planned` invocations
  // in workgroups of `group`, or bytes copied when group is 0; dispatches
  // for a range of rows and row-tiled ones as Dispatch::rows says
  // (tile_groups: the workgroups of one row tile).
  struct RunScaled {
    size_t command, symbol;
    uint64_t planned;
    uint32_t group;
    int64_t rows = 0, min_rows = 0, max_rows = INT64_MAX, row_tile = 0;
    uint64_t tile_groups = 0;
  };
  // The symbols' sizes in this run, as the segment's inputs have them.
  std::vector<int64_t> run_dims(HostBindings& io) const;
  // Scales the commands to `dims` and records the command buffer again.
  Status rerecord(const std::vector<int64_t>& dims);
  // start() for run() (with timestamps when `stamped`) and for the session.
  Status start(HostBindings& io, bool stamped, RunStats& stats);
  // A segment of aliases only has nothing to submit.
  bool device_work() const { return stats_.dispatches > 0 || stats_.copies > 0; }
  // The dispatches the recording launches (those for other row counts
  // than the run's are left out: Dispatch::min_rows).
  void count_launched();
  Status prepare_profiled();
  Status read_node_times(std::span<double> node_ms) const;

  Context& ctx_;
  const Graph& graph_;  // owned by the session, outlives this executable
  std::vector<NodeId> nodes_;
  std::vector<double> node_weight_;  // share of the segment's time per node
  Buffer weights_, arena_, staging_in_, staging_out_;
  std::vector<Transfer> inputs_, outputs_;
  // Persistent values the segment keeps on the device (VkOp::device_state).
  std::map<ValueId, Buffer> state_;
  VkDescriptorPool descriptor_pool_ = VK_NULL_HANDLE;
  VkCommandPool command_pool_ = VK_NULL_HANDLE;
  std::vector<Command> commands_;  // as recorded, kept for the profiled recording
  std::vector<VkDescriptorSet> sets_;
  // Command index before the first node, then after each node (its end).
  std::vector<size_t> node_marks_;
  VkCommandBuffer command_buffer_ = VK_NULL_HANDLE;
  VkCommandBuffer profiled_buffer_ = VK_NULL_HANDLE;  // with timestamps at node_marks_
  VkQueryPool query_pool_ = VK_NULL_HANDLE;
  VkFence fence_ = VK_NULL_HANDLE;
  bool in_flight_ = false;  // submitted by start(), not yet waited for
  ExecutableStats stats_;
  std::vector<RunScaled> run_scaled_;
  std::vector<int64_t> recorded_dims_;  // the symbols' sizes in the recording
  int launched_ = 0;
};

}  // namespace odin::vk
