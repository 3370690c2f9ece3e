// Lowering: one graph node to the dispatches that compute it on Vulkan.
// Each op the backend runs has one VkOp entry, kept with the other ops of
// its family (vk_ops_conv.cpp, vk_ops_elementwise.cpp, vk_ops_data.cpp):
// whether it can run a node, and how it lowers it. Nodes on int8/uint8
// tensors have entries of their own (vk_ops_q8_*.cpp, vk_quant.h). Every
// node the backend accepts lowers without error.
#pragma once

#include <array>
#include <span>
#include <string>
#include <vector>

#include "backends/vulkan/vk_program.h"
#include "core/graph.h"
#include "core/tensor.h"
#include "runtime/backend.h"
#include "runtime/kernel_tuning.h"

namespace odin::vk {

class LowerContext {
 public:
  virtual ~LowerContext() = default;
  virtual const Graph& graph() const = 0;
  // Registers weights (float values; converted to the run precision and
  // uploaded once); returns the blob index for Operand::weights.
  virtual int32_t add_weights(std::vector<float> values) = 0;
  // Registers bytes uploaded as they are (int8 weights, int32 tables);
  // returns the blob index.
  virtual int32_t add_bytes(std::vector<uint8_t> bytes) = 0;
  // The tile and workgroup choice for a tunable kernel on `shape`
  // (tune_shape_key); candidates[0] is its default (runtime/kernel_tuning.h).
  // Candidates whose workgroup the device cannot run are never chosen.
  virtual TuneParams tune(const std::string& shape, std::span<const TuneParams> candidates) = 0;
  // The device is a CPU (lavapipe, SwiftShader): workgroups are run one
  // after another there, and barriers cost far more than on a GPU.
  virtual bool cpu_device() const = 0;
  // Kernels may use subgroup arithmetic (Context::subgroups_enabled).
  virtual bool subgroups() const = 0;
  // Bytes of shared memory a workgroup may use (maxComputeSharedMemorySize;
  // Vulkan guarantees 16384): a kernel that needs more is not chosen.
  virtual uint32_t shared_memory_bytes() const = 0;
  // The blobs an earlier node of the segment made from constant `v` in the
  // form `form` (a repacking), as remember_blobs recorded them; empty when
  // none did. A constant two nodes read is then uploaded once.
  virtual std::vector<int32_t> blobs_of(ValueId v, const std::string& form) const = 0;
  virtual void remember_blobs(ValueId v, const std::string& form, std::vector<int32_t> blobs) = 0;
};

struct VkOp {
  OpType type;
  // Op-specific checks, after the generic ones (vk_support.cpp: float32,
  // int8 or uint8 static non-empty tensors, one output); null: none.
  Support (*supports)(const Graph& graph, const Node& node);
  Status (*lower)(LowerContext& ctx, const Node& node, LoweredNode* out);
  // The lowering handles dims set per run (Graph::dim_symbols, an LLM's
  // `seq`): it is planned at the symbols' maxima, and a run with fewer rows
  // computes a prefix of the planned output. Its dispatches' invocations
  // must grow with the outermost dim of the value they write (row-major,
  // rows in order), so the executable scales them down per run
  // (vk_executable.h).
  bool run_dims = false;
  // The node reads and writes persistent state (an LLM's KV cache) that
  // lives in device memory owned by the executable, across runs, never
  // copied to or from the host: no other node may use that state.
  bool device_state = false;
  // The node reads int32 run-time inputs (token ids, positions); its
  // supports() checks which.
  bool int32_inputs = false;
  // Bytes of the largest weight buffer its lowering binds (a table the
  // size of a vocabulary), which must fit the device's
  // maxStorageBufferRange (vk_support.cpp declines it otherwise); null:
  // none that large.
  uint64_t (*weight_binding_bytes)(const Graph& graph, const Node& node) = nullptr;
};

// The entries, per family.
std::span<const VkOp> vk_conv_ops();
std::span<const VkOp> vk_elementwise_ops();
std::span<const VkOp> vk_data_ops();
// The entries for nodes on int8/uint8 tensors.
std::span<const VkOp> vk_q8_conv_ops();
std::span<const VkOp> vk_q8_elementwise_ops();
std::span<const VkOp> vk_q8_data_ops();
// The LLM ops (vk_ops_llm.cpp): RMS_NORM, ROPE, SWIGLU, EMBEDDING, ATTENTION.
std::span<const VkOp> vk_llm_ops();
// FULLY_CONNECTED over block-quantized weights (Q8_0, Q4_0, M0E4): whether
// the node's weights are such a format, and its support and lowering
// (vk_ops_llm.cpp; the FULLY_CONNECTED entry in vk_ops_conv.cpp calls them).
bool has_block_weights(const Graph& graph, const Node& node);
// Bytes of the largest buffer the repacking of block weights `v` binds.
uint64_t block_weight_binding_bytes(const Graph& graph, ValueId v);
Support supports_block_fully_connected(const Graph& graph, const Node& node);
Status lower_block_fully_connected(LowerContext& ctx, const Node& node, LoweredNode* out);
// The entry of `type` (the int8 one when `quantized`, ops/q8_gpu.h's
// is_quantized_node), or null when the
// backend does not run it.
const VkOp* find_vk_op(OpType type, bool quantized);

// "vulkan: CONV_2D <what>", the form of every decline.
Support decline(const Node& node, const std::string& what);
// A constant's elements as floats (f32 or f16 storage); empty if not constant.
std::vector<float> constant_floats(const LowerContext& ctx, ValueId v);
// Input i is absent, or a float32/float16 constant with a static shape.
bool float_constant_or_absent(const Graph& graph, const Node& node, size_t i);
// An input operand: weights when the value is constant, else the arena value.
Operand input_operand(LowerContext& ctx, ValueId v);
// RESHAPE-like nodes: the output is input 0's bytes (any dtype), no dispatch.
Status lower_alias(LowerContext& ctx, const Node& node, LoweredNode* out);
// Threads to launch (64 per workgroup).
void set_invocations(Dispatch& d, int64_t invocations);

}  // namespace odin::vk
