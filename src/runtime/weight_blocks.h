// Block-wise weight loading (On-device Sora's dynamic loading): under a
// budget, a session does not keep every backend's weights resident. Its
// segments are split into blocks of consecutive nodes whose constants fit
// the budget; each run compiles a block (which loads and packs its weights),
// runs it, frees it and drops its constants' file pages, so a model whose
// weights exceed the budget still runs, slower.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "core/graph.h"
#include "core/status.h"
#include "runtime/backend.h"
#include "runtime/scheduler.h"

namespace odin {

// Bytes of the constants node n reads (each counted once).
size_t node_constant_bytes(const Graph& g, const Node& n);

// A scratch file in the temporary directory (unlinked at once) that takes
// constants the graph holds in memory (those passes computed: folded
// DEQUANTIZEs, fused weights) one at a time: each is written, mapped back
// read-only and marked reloadable (so its pages can be dropped between
// blocks like the model file's), and its heap bytes are freed. The graph
// keeps the mappings; the spill may go once it is done.
class WeightSpill {
 public:
  WeightSpill() = default;
  WeightSpill(const WeightSpill&) = delete;
  WeightSpill& operator=(const WeightSpill&) = delete;
  ~WeightSpill();
  // Moves constant v when the graph owns its bytes; a no-op otherwise.
  Status move(Graph& g, ValueId v);
  // A folded node (PassOptions::folded): its outputs are moved and its
  // constant inputs' file pages dropped.
  Status folded(Graph& g, const Node& n);
  size_t bytes() const { return bytes_; }

 private:
  int fd_ = -1;
  size_t end_ = 0;    // file size so far (page-aligned)
  size_t bytes_ = 0;  // constant bytes moved
};

// Moves every constant the graph holds in memory that a node reads into
// `spill`. Returns the bytes moved.
Result<size_t> spill_owned_constants(Graph& g, WeightSpill& spill);

// Returns the heap memory freed since (a block's packing buffers) to the
// system, so the next block does not sit on top of it (glibc keeps freed
// memory otherwise); a no-op elsewhere.
void return_freed_memory();

// Block-wise compiles: drops a constant's pages as soon as a node's
// compiled form has its own copy (packed weights), so a block's file pages
// and its packed weights are not both resident; nothing is freed, the next
// run reads the pages back.
class DropCopiedPages final : public ConstantTracker {
 public:
  explicit DropCopiedPages(const Graph& g) : g_(g) {}
  void copied(NodeId, ValueId v) override {
    if (v != kNoValue && g_.value(v).is_constant()) g_.drop_constant_pages(v);
  }

 private:
  const Graph& g_;
};

// `segments` split so each block's constants fit `budget` bytes; a node
// whose own constants exceed it is a block alone, with a note saying so.
std::vector<Segment> split_by_weight_bytes(const Graph& g, const std::vector<Segment>& segments,
                                           size_t budget, std::vector<std::string>* notes);

}  // namespace odin
