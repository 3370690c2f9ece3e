// Lowering: one graph node to the OpenCL kernel launches that compute it.
// Every kernel (kernels/opencl/*.cl) has the same signature: the memory
// buffer of the storage type (weights, then the activation arena), a block
// of int parameters, first the offsets of its operands (operand 0 is
// written), then its own arguments, the int32 buffer (int32 constants, then
// the int32 run-time values: indices, token ids) and the byte buffer (byte
// constants, then the int8/uint8 values: cl_quant.h), whatever the storage
// precision. An operand's offset is in elements of the buffer of its dtype
// (bytes for int8/uint8). Each op the backend runs has one ClOp entry, kept
// with its family (cl_ops_elementwise.cpp, cl_ops_conv.cpp, cl_ops_data.cpp;
// nodes on int8/uint8 tensors have entries of their own, cl_ops_q8_*.cpp).
#pragma once

#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <vector>

#include "core/graph.h"
#include "runtime/backend.h"
#include "runtime/kernel_tuning.h"

namespace odin::cl {

// A region of a buffer a kernel touches: a run-time value (in the int32
// buffer when its dtype is int32, in the byte buffer when int8/uint8, else
// in the memory buffer), a float weight blob, an int32 constant blob (in the
// int32 buffer), or a byte constant blob (in the byte buffer).
struct Operand {
  enum class Kind : uint8_t { kValue, kWeights, kIntWeights, kBytes };
  Kind kind = Kind::kValue;
  int32_t id = 0;  // ValueId, or blob index
  static Operand value(ValueId v) { return {Kind::kValue, v}; }
  static Operand weights(int32_t blob) { return {Kind::kWeights, blob}; }
  static Operand int_weights(int32_t blob) { return {Kind::kIntWeights, blob}; }
  static Operand bytes(int32_t blob) { return {Kind::kBytes, blob}; }
};

struct Launch {
  std::string kernel;  // a __kernel in kernels/opencl/*.cl
  std::vector<Operand> operands;
  std::vector<int32_t> args;  // after the operands' offsets; floats bit-cast
  int64_t work_items = 0;     // one per output element (or row), 1-D
  size_t group = 0;           // work items per group when tuned (0: 64)
  std::string options;        // program build options of a tuned variant ("-D ...")
  // The kernel needs `group` work items a group, no fewer (its local
  // memory tiles): compiling fails where the kernel cannot have them.
  bool exact_group = false;

  void arg(int64_t v) { args.push_back(static_cast<int32_t>(v)); }
  void arg_float(float f) {
    int32_t i;
    std::memcpy(&i, &f, 4);
    args.push_back(i);
  }
};

struct LoweredNode {
  std::vector<Launch> launches;
  ValueId alias_of = kNoValue;  // set: outputs[0] shares this value's memory
};

class LowerContext {
 public:
  virtual ~LowerContext() = default;
  virtual const Graph& graph() const = 0;
  // Weights uploaded once at compile; returns the blob index.
  virtual int32_t add_weights(std::vector<float> values) = 0;
  // int32 constants uploaded once at compile to the int32 buffer.
  virtual int32_t add_int_weights(std::vector<int32_t> values) = 0;
  // Bytes uploaded once at compile to the byte buffer (int8 weights, tables).
  virtual int32_t add_bytes(std::vector<uint8_t> values) = 0;
  // The tile and work-group choice for a tunable kernel on `shape`
  // (tune_shape_key); candidates[0] is its default (runtime/kernel_tuning.h).
  virtual TuneParams tune(const std::string& shape, std::span<const TuneParams> candidates) = 0;
  // Bytes of local memory a work group may use (CL_DEVICE_LOCAL_MEM_SIZE)
  // and the most work items a group may have: a kernel that needs more is
  // not chosen.
  virtual uint64_t local_memory_bytes() const = 0;
  virtual size_t max_group_size() const = 0;
};

struct ClOp {
  OpType type;
  // Op-specific checks after the shared ones (cl_support.cpp); null: none.
  Support (*supports)(const Graph& graph, const Node& node);
  Status (*lower)(LowerContext& ctx, const Node& node, LoweredNode* out);
  // The node reads int32 run-time inputs (indices, token ids) from the
  // int32 buffer; its supports() checks which.
  bool int32_inputs = false;
};

std::span<const ClOp> cl_elementwise_ops();
std::span<const ClOp> cl_conv_ops();
std::span<const ClOp> cl_data_ops();
// The entries for nodes on int8/uint8 tensors (cl_quant.h).
std::span<const ClOp> cl_q8_conv_ops();
std::span<const ClOp> cl_q8_elementwise_ops();
std::span<const ClOp> cl_q8_data_ops();
// The entry of `type` (the int8 one when `quantized`, ops/q8_gpu.h's
// is_quantized_node), or null when the backend does not run it.
const ClOp* find_cl_op(OpType type, bool quantized);

// Whether the backend runs `node`: float32, int8 or uint8 static tensors
// (int32 inputs for entries with int32_inputs), then the op's checks.
Support opencl_supports(const Graph& graph, const Node& node);

// "opencl: CONV_2D <what>", the form of every decline.
Support decline(const Node& node, const std::string& what);
// Input i is absent, or a float constant with a static shape.
bool float_constant_or_absent(const Graph& graph, const Node& node, size_t i);
// A float constant's values (empty if `v` is none).
std::vector<float> constant_floats(const LowerContext& ctx, ValueId v);
// An input operand: weights when the value is constant, else the activation.
Operand input_operand(LowerContext& ctx, ValueId v);
// An int32 input operand: an int32 constant blob when `v` is an integer
// constant (int32 or int64), else the run-time int32 value.
Operand int_operand(LowerContext& ctx, ValueId v);
// One launch writing outputs[0] from inputs[0], one work item per output element.
Launch unary_launch(const char* kernel, const Graph& graph, const Node& node);
// RESHAPE-like nodes: the output is input 0's memory (any dtype), no launch.
Status lower_alias(LowerContext& ctx, const Node& node, LoweredNode* out);
// CONCATENATION as one launch of `kernel` per input (operands y and
// operand(input)), copying it into its columns of the output; arguments
// the input's block (elements per outer index), the output's block and the
// input's first column; each kernel's own arguments follow.
std::vector<Launch> concatenation_copies(LowerContext& ctx, const Node& node, const char* kernel,
                                         Operand (*operand)(LowerContext&, ValueId));

}  // namespace odin::cl
