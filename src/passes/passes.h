// Graph rewrites run when a session is created, before scheduling: each pass
// lives in its own file; this is the list and its order. Passes are
// backend-neutral (every backend sees the result), keep the graph valid and
// never change what the graph outputs compute (beyond float rounding). They
// know ops only through their definitions (ops/op_def.h).
#pragma once

#include <functional>

#include "core/graph.h"

namespace odin {

// Bytes all folded constants may take together, by default.
constexpr size_t kDefaultMaxFoldBytes = size_t{2} << 30;

struct PassOptions {
  // Compute nodes whose inputs are all constants once, here (bit-identical
  // to running them: the same reference kernels compute them).
  bool fold_constants = true;
  // Bytes all folded constants may take together; nodes past it stay and
  // run (so a hostile model cannot make folding allocate without bound).
  size_t max_fold_bytes = kDefaultMaxFoldBytes;
  // Called as each node is folded, after its outputs became constants the
  // graph owns (a session under a weight budget moves them to a scratch
  // file here, so folded weights are never all in memory at once).
  std::function<Status(Graph&, const Node&)> folded;
  // The fusions (PAD folding, activation, residual ADD and PRELU fusion) and
  // dead-node removal; false runs the graph as imported (but for the
  // constant folding above).
  bool optimize = true;
};

Status run_passes(Graph& graph, const PassOptions& options);

// The passes, in the order run_passes applies them. Each returns how many
// nodes it rewrote or removed.

// A node whose inputs are all constants (DEQUANTIZE of fp16 weights, DENSIFY
// of sparse ones, a RESHAPE of either, ...) is computed now: it goes away and
// its outputs become constants the graph owns.
Result<int> fold_constants(Graph& graph, size_t max_bytes = kDefaultMaxFoldBytes,
                           const std::function<Status(Graph&, const Node&)>& folded = {});
// A zero PAD read by one node that can take the padding itself (OpDef::
// absorb_pad: explicit padding of a convolution, a padded operand of an
// elementwise op) goes away; that node reads the unpadded tensor.
Result<int> fold_pad(Graph& graph);
// RELU / RELU6 / RELU_N1_TO_1 whose input comes from a node with a free
// fused-activation slot (OpDef::activation_slot) becomes that activation,
// when nothing else reads the intermediate value.
Result<int> fuse_activation(Graph& graph);
// A float32 ADD of two same-shape tensors, one computed by a node that can
// add a tensor to its result itself (OpDef::addend_input, no activation of
// its own), becomes that node reading the other operand as its addend, with
// the ADD's activation.
Result<int> fuse_add(Graph& graph);
// A float32 PRELU with constant slopes, one per channel or one for all, whose
// input comes from a node that can apply them itself (OpDef::
// prelu_alpha_input) and nothing else reads, becomes that node's slopes
// input (applied after its activation); it then writes the PRELU's output.
Result<int> fuse_prelu(Graph& graph);
// Drops nodes none of whose outputs reach a graph output.
Result<int> remove_dead_nodes(Graph& graph);

}  // namespace odin
