#include "backends/vulkan/vk_support.h"

#include "backends/vulkan/vk_lower.h"
#include "ops/q8_gpu.h"
#include "quant/affine.h"

namespace odin::vk {
namespace {

// Run-time tensors the kernels can address: float32, int8 or uint8 (the
// quantized entries check the combination), static, non-empty, and small
// enough for 32-bit indexing.
// Entries with run_dims (vk_lower.h) also take dims set per run, with
// int32_inputs int32 inputs, with device_state persistent values.
Support check_value(const Graph& g, const Node& node, ValueId v, const VkOp& op, bool input) {
  if (v == kNoValue) return Support::yes();
  const Value& val = g.value(v);
  if (val.is_constant()) return Support::yes();
  if (val.persistent) {
    if (!op.device_state) return decline(node, "on persistent state not supported");
    return Support::yes();  // the entry checks its state's dtype and shape
  }
  const bool int32_ok = op.int32_inputs && input && val.dtype == DType::kI32;
  if (val.dtype != DType::kF32 && !is_affine_dtype(val.dtype) && !int32_ok)
    return decline(node, str_cat("on ", dtype_name(val.dtype),
                                 " tensors not supported (float32, int8 or uint8 only)"));
  if (!val.shape.is_static()) return decline(node, "with dynamic shapes not supported");
  if (val.shape.has_symbols() && !op.run_dims)
    return decline(node, str_cat("with dims set per run (", val.shape.str(), ") not supported"));
  if (val.shape.num_elements() <= 0) return decline(node, "on empty tensors not supported");
  if (val.shape.num_elements() > INT32_MAX / 4)
    return decline(node, "on tensors over 2^29 elements not supported");
  return Support::yes();
}

}  // namespace

Support vulkan_supports(const Graph& g, const Node& node, const DeviceWorkarounds* workarounds,
                        const DeviceInfo* device) {
  if (workarounds)
    if (const std::string* why = workarounds->op_disabled(node.op))
      return decline(node, str_cat("disabled on this driver (", *why, ")"));
  const bool quantized = is_quantized_node(g, node);
  const VkOp* op = find_vk_op(node.op, quantized);
  if (!op)
    return decline(node, quantized && find_vk_op(node.op, false)
                             ? "on int8/uint8 tensors not supported"
                             : "not supported");
  if (node.outputs.empty() || node.inputs.empty())
    return decline(node, "without inputs or outputs");
  bool all_constant = true;
  for (ValueId v : node.inputs)
    all_constant = all_constant && (v == kNoValue || g.value(v).is_constant());
  if (all_constant)  // left unfolded (folding off, or too large): the host computes it
    return decline(node, "of constants only not supported (constant folding computes those)");
  for (ValueId v : node.inputs)
    if (Support s = check_value(g, node, v, *op, true); !s.ok) return s;
  for (ValueId v : node.outputs)
    if (Support s = check_value(g, node, v, *op, false); !s.ok) return s;
  if (node.outputs.size() != 1) return decline(node, "with several outputs not supported");
  if (op->supports)
    if (Support s = op->supports(g, node); !s.ok) return s;
  if (device && op->weight_binding_bytes)
    if (const uint64_t bytes = op->weight_binding_bytes(g, node);
        bytes > device->max_storage_buffer_range)
      return decline(node, str_cat("with weights of ", bytes,
                                   " bytes on the device, over its storage buffer limit of ",
                                   device->max_storage_buffer_range, " bytes"));
  return Support::yes();
}

}  // namespace odin::vk
